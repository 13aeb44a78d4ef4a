import { Text, Title } from "@mantine/core";
import { useAuth } from "../auth";

export function Overview() {
  const { user } = useAuth();
  return (
    <section aria-labelledby="overview-title">
      <Title id="overview-title" order={1} size="h2">
        Overview
      </Title>
      <Text mt="sm">
        Signed in as {user?.displayName} ({user?.roles.join(", ").toLowerCase()}).
      </Text>
    </section>
  );
}
