import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderUi } from "../test/render";
import { SignInForm } from "./SignIn";

const graphQLError = (message: string, extensions: Record<string, unknown>) => new CombinedGraphQLErrors({ errors: [{ message, extensions }] });

describe("SignInForm", () => {
  it("sends username, password and the stay-signed-in choice", async () => {
    const onSignIn = vi.fn().mockResolvedValue(undefined);
    renderUi(<SignInForm onSignIn={onSignIn} />);
    await userEvent.type(screen.getByLabelText("Username"), "  alice ");
    await userEvent.type(screen.getByLabelText("Password"), "s3cret pass");
    await userEvent.click(screen.getByLabelText("Stay signed in"));
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(onSignIn).toHaveBeenCalledWith("alice", "s3cret pass", true);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("asks for both fields before calling the server", async () => {
    const onSignIn = vi.fn();
    renderUi(<SignInForm onSignIn={onSignIn} />);
    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Enter your username and password.");
    expect(onSignIn).not.toHaveBeenCalled();
  });

  it("says so when the credentials are wrong", async () => {
    const onSignIn = vi.fn().mockRejectedValue(graphQLError("Invalid username or password", { code: "UNAUTHENTICATED" }));
    renderUi(<SignInForm onSignIn={onSignIn} />);
    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.type(screen.getByLabelText("Password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Invalid username or password.");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("says the sign-in is locked, and for how long, after too many attempts", async () => {
    const onSignIn = vi.fn().mockRejectedValue(graphQLError("Too many attempts, try again in 600 s", { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 600 }));
    renderUi(<SignInForm onSignIn={onSignIn} />);
    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.type(screen.getByLabelText("Password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Sign-in is locked after too many attempts. Try again in 10 min.");
  });
});
