/**
 * GraphiQL, built into the dashboard's bundle so the service serves it itself (no CDN: it works on
 * an air-gapped host). The service answers this page at GET /graphql (service/graphql/ide.py).
 */
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import type { Fetcher } from "@graphiql/toolkit";
import "graphiql/style.css";
import "./graphiql.css";
import { getApiKey } from "../api/credentials";
import { requestHeaders } from "./headers";

const endpoint = new URL(window.location.pathname, window.location.origin).toString();

function fetcherWith(key: string): Fetcher {
  return async (params, options) => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: requestHeaders(options?.headers, key),
      body: JSON.stringify(params),
    });
    return response.json();
  };
}

const EXAMPLE = `# Run with Ctrl-Enter or ▶. Every request needs
# an API key: paste it above, or use Headers below.
{
  me {
    actor
    roles
  }
  frameworks(first: 10) {
    edges {
      node {
        id
        name
      }
    }
  }
}
`;

const form = document.querySelector<HTMLFormElement>(".ide-key")!;
const input = form.querySelector<HTMLInputElement>("input")!;
// Signed in to the dashboard in this tab: start with that key.
input.value = getApiKey() ?? "";

const root = createRoot(document.getElementById("graphiql")!);
const render = (): void => {
  // A new fetcher makes GraphiQL ask for the schema again, now with the key.
  root.render(createElement(GraphiQL, { fetcher: fetcherWith(input.value), defaultQuery: EXAMPLE }));
};
form.addEventListener("submit", (e) => {
  e.preventDefault();
  render();
});
render();
