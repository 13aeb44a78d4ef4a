import "@mantine/core/styles.css";
import { ApolloProvider } from "@apollo/client/react";
import { createTheme, localStorageColorSchemeManager, MantineProvider } from "@mantine/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { createApolloClient } from "./apollo";
import { App } from "./App";
import { AuthProvider } from "./auth";

const client = createApolloClient();
const theme = createTheme({ primaryColor: "blue" });
// Only the light/dark choice is kept in localStorage; tokens never are.
const colorSchemeManager = localStorageColorSchemeManager({ key: "opsc-color-scheme" });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
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
