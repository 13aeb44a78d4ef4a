import "@mantine/core/styles.css";
import "@mantine/spotlight/styles.css";
import "./shell.css";
import { ApolloProvider } from "@apollo/client/react";
import { Alert, createTheme, FileInput, localStorageColorSchemeManager, MantineProvider, Modal, Pagination, Select, type CSSVariablesResolver } from "@mantine/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { createApolloClient } from "./apollo";
import { App } from "./App";
import { AuthProvider } from "./auth";

const client = createApolloClient();
// Accessibility (axe, WCAG AA): the light scheme's primary shade 6 gives white-on-blue buttons, links and the
// active navigation item 3.6:1, shade 9 ≥ 5:1; dimmed text (gray 6, 3.3:1) and error text (red 6, 3.6:1) get
// darker shades (lighter in the dark scheme). Every close, clear and paging button gets a name (Mantine's icon buttons have none by default).
const PAGING_LABELS = { first: "First page", previous: "Previous page", next: "Next page", last: "Last page" } as const;
const theme = createTheme({
  primaryColor: "blue",
  primaryShade: { light: 9, dark: 8 },
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }),
    Alert: Alert.extend({ defaultProps: { closeButtonLabel: "Dismiss" } }),
    FileInput: FileInput.extend({ defaultProps: { clearButtonProps: { "aria-label": "Clear" } } }),
    Select: Select.extend({ defaultProps: { clearButtonProps: { "aria-label": "Clear" } } }),
    Pagination: Pagination.extend({ defaultProps: { getControlProps: (control) => ({ "aria-label": PAGING_LABELS[control] }) } }),
  },
});
const cssVariablesResolver: CSSVariablesResolver = (current) => ({
  variables: {},
  light: { "--mantine-color-dimmed": current.colors.gray[7], "--mantine-color-error": current.colors.red[9] },
  dark: { "--mantine-color-dimmed": current.colors.dark[1] },
});
// Only the light/dark choice is kept in localStorage; tokens never are.
const colorSchemeManager = localStorageColorSchemeManager({ key: "opsc-color-scheme" });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager} cssVariablesResolver={cssVariablesResolver}>
      <ApolloProvider client={client}>
        <BrowserRouter>
          <AuthProvider>
            <App />
          </AuthProvider>
        </BrowserRouter>
      </ApolloProvider>
    </MantineProvider>
  </StrictMode>,
);
