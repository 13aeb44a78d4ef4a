import { ActionIcon, Anchor, AppShell, Avatar, Breadcrumbs, Button, Group, Menu, Modal, NavLink, Text, Title, useMantineColorScheme } from "@mantine/core";
import type { ReactNode } from "react";
import { Link, useLocation } from "react-router";
import { useAuth } from "../auth";
import { breadcrumbs, SCREENS } from "../navigation";

export function Shell({ children }: { children: ReactNode }) {
  const { user, can, signOut, expiring, extend } = useAuth();
  const location = useLocation();
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  const dark = colorScheme === "dark";
  const visible = SCREENS.filter((screen) => !screen.permission || can(screen.permission));

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: "sm" }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={2} size="h4">
            OpsConductor
          </Title>
          <Group gap="xs">
            <ActionIcon variant="default" size="lg" onClick={toggleColorScheme} aria-label={dark ? "Switch to light theme" : "Switch to dark theme"}>
              <span aria-hidden>{dark ? "☀" : "☾"}</span>
            </ActionIcon>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" size="lg" radius="xl" aria-label={`User menu for ${user?.displayName ?? ""}`}>
                  <Avatar size="sm" radius="xl" color="blue">
                    {user?.displayName.slice(0, 1).toUpperCase()}
                  </Avatar>
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {user?.displayName} ({user?.username})
                </Menu.Label>
                <Menu.Label>{user?.roles.join(", ")}</Menu.Label>
                <Menu.Divider />
                <Menu.Item onClick={() => void signOut(false)}>Sign out</Menu.Item>
                <Menu.Item color="red" onClick={() => void signOut(true)}>
                  Sign out everywhere
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main navigation">
        {visible.map((screen) => (
          <NavLink
            key={screen.path}
            component={Link}
            to={screen.path}
            label={screen.label}
            active={screen.path === "/" ? location.pathname === "/" : location.pathname.startsWith(screen.path)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Breadcrumbs mb="md" aria-label="Breadcrumbs">
          {breadcrumbs(location.pathname).map((crumb) => (
            <Anchor key={crumb.path} component={Link} to={crumb.path}>
              {crumb.label}
            </Anchor>
          ))}
        </Breadcrumbs>
        {children}
      </AppShell.Main>
      <Modal opened={expiring} onClose={() => void extend()} title="Your session ends in 2 minutes">
        <Text>You signed in without “stay signed in”. Stay signed in to keep working, or sign out now.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => void signOut(false)}>
            Sign out
          </Button>
          <Button onClick={() => void extend()}>Stay signed in</Button>
        </Group>
      </Modal>
    </AppShell>
  );
}

export function Forbidden({ what }: { what: string }) {
  return (
    <section aria-labelledby="forbidden-title">
      <Title id="forbidden-title" order={1} size="h2">
        403 — Not allowed
      </Title>
      <Text mt="sm">
        Your role does not allow {what}. Ask an administrator if you need access.
      </Text>
    </section>
  );
}
