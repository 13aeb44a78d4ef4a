import { Field, ID, ObjectType } from "type-graphql";
import { BlackoutWindow } from "../schedule/schedule.type";

@ObjectType({ description: "A blackout window for every schedule: ticks inside it start no run and are recorded SKIPPED (administrators manage them)." })
export class GlobalBlackoutWindow {
  @Field(() => ID)
  id!: string;

  @Field(() => BlackoutWindow)
  window!: BlackoutWindow;

  @Field()
  createdAt!: Date;

  createdById!: string | null;
}
