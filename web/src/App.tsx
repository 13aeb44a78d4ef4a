import { Center, Loader } from "@mantine/core";
import { Route, Routes } from "react-router";
import { useAuth } from "./auth";
import { Forbidden, Shell } from "./components/Shell";
import { permissionOf } from "./navigation";
import { Overview } from "./pages/Overview";
import { CredentialsPage } from "./pages/CredentialsPage";
import { SignInForm } from "./pages/SignIn";
import { TargetDetailPage } from "./pages/TargetDetailPage";
import { TargetsPage } from "./pages/TargetsPage";
import { TransferPage } from "./pages/TransferPage";
import { UsersPage } from "./pages/UsersPage";

/** A screen that needs a permission: a user without it reaching the URL directly sees the 403 page. */
function Guarded({ permission, what, children }: { permission: string | undefined; what: string; children: React.ReactNode }) {
  const { can } = useAuth();
  return !permission || can(permission) ? <>{children}</> : <Forbidden what={what} />;
}

export function App() {
  const { status, signIn } = useAuth();
  if (status === "loading") {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (status === "signedOut") return <SignInForm onSignIn={signIn} />;
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Overview />} />
        <Route
          path="/targets"
          element={
            <Guarded permission={permissionOf("/targets")} what="viewing targets">
              <TargetsPage />
            </Guarded>
          }
        />
        <Route
          path="/targets/:id"
          element={
            <Guarded permission={permissionOf("/targets")} what="viewing targets">
              <TargetDetailPage />
            </Guarded>
          }
        />
        <Route
          path="/targets/transfer"
          element={
            <Guarded permission={permissionOf("/targets/transfer")} what="importing or exporting targets">
              <TransferPage />
            </Guarded>
          }
        />
        <Route
          path="/credentials"
          element={
            <Guarded permission={permissionOf("/credentials")} what="viewing credentials">
              <CredentialsPage />
            </Guarded>
          }
        />
        <Route
          path="/users"
          element={
            <Guarded permission={permissionOf("/users")} what="managing users">
              <UsersPage />
            </Guarded>
          }
        />
        <Route path="*" element={<p>Page not found.</p>} />
      </Routes>
    </Shell>
  );
}
