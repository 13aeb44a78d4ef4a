import { useQuery } from "@apollo/client/react";
import { Button, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { Spotlight, spotlight } from "@mantine/spotlight";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useAuth } from "../auth";
import { GlobalSearchTargetsQuery, GlobalSearchUsersQuery } from "../operations.search";

/** Shorter queries are not sent: one or two letters match most of a large inventory. */
const MIN_QUERY = 2;

/**
 * Global search (Mantine Spotlight, Ctrl/⌘+K or "/"): targets and users by name, searched on the server as
 * the user types. Each group appears only to those who may open its screen.
 */
export function GlobalSearch() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const [query, setQuery] = useState("");
  const [debounced] = useDebouncedValue(query.trim(), 200);
  const active = debounced.length >= MIN_QUERY;
  const canTargets = can("targets:read");
  const canUsers = can("users:write");
  const targets = useQuery(GlobalSearchTargetsQuery, { variables: { search: debounced }, skip: !active || !canTargets });
  const users = useQuery(GlobalSearchUsersQuery, { variables: { search: debounced }, skip: !active || !canUsers });
  const targetItems = active ? (targets.data?.targets.items ?? []) : [];
  const userItems = active ? (users.data?.users.items ?? []) : [];
  const loading = targets.loading || users.loading || query.trim() !== debounced;

  const go = (path: string) => {
    spotlight.close();
    setQuery("");
    void navigate(path);
  };

  return (
    <>
      <Button variant="default" onClick={spotlight.open}>
        Search (Ctrl+K)
      </Button>
      <Spotlight.Root title="Search targets and users" query={query} onQueryChange={setQuery} shortcut={["mod + K", "/"]} scrollable maxHeight={420}>
        <Spotlight.Search placeholder="Search targets and users by name" aria-label="Search targets and users" />
        <Spotlight.ActionsList aria-label="Search results">
          {targetItems.length > 0 && (
            <Spotlight.ActionsGroup label="Targets">
              {targetItems.map((target) => (
                <Spotlight.Action key={target.id} label={target.name} description={target.address} onClick={() => go(`/targets/${target.id}`)} />
              ))}
            </Spotlight.ActionsGroup>
          )}
          {userItems.length > 0 && (
            <Spotlight.ActionsGroup label="Users">
              {userItems.map((user) => (
                <Spotlight.Action key={user.id} label={user.displayName} description={user.username} onClick={() => go(`/users?search=${encodeURIComponent(user.username)}`)} />
              ))}
            </Spotlight.ActionsGroup>
          )}
          {targetItems.length + userItems.length === 0 && (
            <Spotlight.Empty>
              <Text size="sm" c="dimmed">
                {!active ? `Type at least ${MIN_QUERY} characters` : loading ? "Searching…" : "Nothing found"}
              </Text>
            </Spotlight.Empty>
          )}
        </Spotlight.ActionsList>
      </Spotlight.Root>
    </>
  );
}
