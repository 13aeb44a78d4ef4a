import { PartialInput } from "@opsconductor/kit/subgraph";
import { Field, ID, InputType, Int } from "type-graphql";
import { ChannelType, SmtpSecurity } from "./channel.type";

@InputType({ description: "SMTP settings. On update, an omitted password keeps the stored one." })
export class EmailChannelInput {
  @Field() host!: string;
  @Field(() => Int) port!: number;
  @Field(() => SmtpSecurity) security!: SmtpSecurity;
  @Field(() => String, { nullable: true }) username?: string | null;
  @Field(() => String, { nullable: true, description: "Write-only; stored encrypted." }) password?: string | null;
  @Field() from!: string;
  @Field(() => [String]) to!: string[];
  @Field(() => String, { nullable: true, description: "PEM certificate(s) trusted for TLS/STARTTLS instead of the system CAs (a private relay's CA)." })
  caCertificate?: string | null;
}

@InputType({ description: "Webhook settings. On update, an omitted secret keeps the stored one." })
export class WebhookChannelInput {
  @Field() url!: string;
  @Field(() => String, { nullable: true, description: "HMAC-SHA256 signing secret (16-512 characters); write-only, stored encrypted." }) secret?: string | null;
}

@InputType({ description: "Slack incoming webhook. On update, an omitted URL keeps the stored one." })
export class SlackChannelInput {
  @Field(() => String, { nullable: true, description: "https://hooks.slack.com/…; write-only, stored encrypted." }) webhookUrl?: string | null;
}

@InputType()
export class InAppChannelInput {
  @Field(() => [ID], { nullable: true, description: "Users whose inbox receives it; empty: the rule's creator." }) recipientUserIds?: string[] | null;
}

@InputType({ description: "A channel: the settings of its type are required (email, webhook, slack or inApp)." })
export class CreateNotificationChannelInput {
  @Field() name!: string;
  @Field(() => ChannelType) type!: ChannelType;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => EmailChannelInput, { nullable: true }) email?: EmailChannelInput | null;
  @Field(() => WebhookChannelInput, { nullable: true }) webhook?: WebhookChannelInput | null;
  @Field(() => SlackChannelInput, { nullable: true }) slack?: SlackChannelInput | null;
  @Field(() => InAppChannelInput, { nullable: true }) inApp?: InAppChannelInput | null;
}

@InputType({ description: "Changes to a channel; its type cannot change. The settings of its type, when given, replace the stored ones." })
export class UpdateNotificationChannelInput extends PartialInput(CreateNotificationChannelInput, { omit: ["type"] }) {}
