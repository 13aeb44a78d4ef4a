import { ActionIcon, Anchor, AppShell, Avatar, Breadcrumbs, Button, Group, Menu, Modal, NavLink, Text, Title, useMantineColorScheme } from "@mantine/core";
import { useEffect, type ReactNode } from "react";
import { Link, useLocation } from "react-router";
import { useAuth } from "../auth";
import { breadcrumbs, SCREENS, screenOf } from "../navigation";
import { GlobalSearch } from "./GlobalSearch";

export function Shell({ children }: { children: ReactNode }) {
  const { user, can, signOut, expiring, extend } = useAuth();
  const location = useLocation();
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  const dark = colorScheme === "dark";
  const visible = SCREENS.filter((screen) => !screen.permission || can(screen.permission));
  const current = screenOf(location.pathname);
  const crumbs = breadcrumbs(location.pathname);
  useEffect(() => {
    document.title = `${current.label} · OpsConductor`;
  }, [current.label]);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: "sm" }} padding="md">
      <AppShell.Header>
        {/* The first stop of the Tab key: past the header and navigation, straight to the screen. */}
        <Anchor href="#main" className="opsc-skip-link">
          Skip to main content
        </Anchor>
        <Group h="100%" px="md" justify="space-between">
          <Text component="span" fw={700} size="lg">
            OpsConductor
          </Text>
          <Group gap="xs">
            <GlobalSearch />
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
            active={screen.path === current.path}
            aria-current={screen.path === current.path ? "page" : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <nav aria-label="Breadcrumbs">
          <Breadcrumbs mb="md">
            {crumbs.map((crumb, index) =>
              index === crumbs.length - 1 ? (
                <Text key={crumb.path} size="sm" aria-current="page">
                  {crumb.label}
                </Text>
              ) : (
                <Anchor key={crumb.path} component={Link} to={crumb.path} size="sm">
                  {crumb.label}
                </Anchor>
              ),
            )}
          </Breadcrumbs>
        </nav>
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
