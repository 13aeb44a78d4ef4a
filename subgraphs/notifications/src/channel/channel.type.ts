import { Page, UserReference, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from "type-graphql";

export const ChannelType = graphqlEnum("NotificationChannelType", ["EMAIL", "WEBHOOK", "SLACK", "IN_APP"], { description: "EMAIL (SMTP), WEBHOOK (signed JSON POST), SLACK (incoming webhook), IN_APP (users' inboxes)." });
export type ChannelType = EnumOf<typeof ChannelType>;

export const SmtpSecurity = graphqlEnum("SmtpSecurity", ["NONE", "STARTTLS", "TLS"], { description: "TLS: implicit TLS (465); STARTTLS: upgrade required; NONE: plain (loopback relays only)." });
export type SmtpSecurity = EnumOf<typeof SmtpSecurity>;

@ObjectType({ description: "SMTP settings; the password is write-only." })
export class EmailSettings {
  @Field() host!: string;
  @Field(() => Int) port!: number;
  @Field(() => SmtpSecurity) security!: SmtpSecurity;
  @Field(() => String, { nullable: true }) username!: string | null;
  @Field() from!: string;
  @Field(() => [String]) to!: string[];
  @Field(() => String, { nullable: true, description: "Extra CA certificate(s) trusted for TLS (PEM; public)." }) caCertificate!: string | null;
  @Field({ description: "Whether a password is stored (it is never returned)." }) hasPassword!: boolean;
}

@ObjectType({ description: "Webhook settings; the signing secret is write-only." })
export class WebhookSettings {
  @Field() url!: string;
  @Field({ description: "Whether a signing secret is stored (it is never returned)." }) hasSecret!: boolean;
}

@ObjectType({ description: "Slack incoming-webhook settings; the webhook URL carries a token and is write-only." })
export class SlackSettings {
  @Field() hasWebhookUrl!: boolean;
}

@ObjectType({ description: "In-app recipients: these users, or the rule's creator when the list is empty." })
export class InAppSettings {
  @Field(() => [ID]) recipientUserIds!: string[];
  @Field(() => [UserReference]) recipients!: UserReference[];
}

@ObjectType({ description: "Where notifications go." })
export class NotificationChannel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => ChannelType) type!: ChannelType;
  @Field() enabled!: boolean;
  @Field(() => EmailSettings, { nullable: true }) email!: EmailSettings | null;
  @Field(() => WebhookSettings, { nullable: true }) webhook!: WebhookSettings | null;
  @Field(() => SlackSettings, { nullable: true }) slack!: SlackSettings | null;
  @Field(() => InAppSettings, { nullable: true }) inApp!: InAppSettings | null;
  @Field(() => UserReference, { nullable: true }) createdBy!: UserReference | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@ObjectType({ description: "One page of channels and the total." })
export class NotificationChannelPage extends Page(NotificationChannel) {}

@ObjectType({ description: "The outcome of a test message sent through a channel." })
export class ChannelTestResult {
  @Field() ok!: boolean;
  @Field(() => String, { nullable: true }) error!: string | null;
}
