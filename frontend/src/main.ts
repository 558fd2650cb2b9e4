/** The shell: navigation, hash routing, one page at a time. */
import "./styles.css";
import { assetsPage } from "./pages/assets";
import { controlPage } from "./pages/control";
import { criterionPage } from "./pages/criterion";
import { crosswalkPage } from "./pages/crosswalk";
import { engagementPage } from "./pages/engagement";
import { evidencePage } from "./pages/evidence";
import { impactPage } from "./pages/impact";
import { matrixPage } from "./pages/matrix";
import { ownerPage } from "./pages/owner";
import { missingPage } from "./pages/missing";
import { overviewPage } from "./pages/overview";
import { frameworksLoader, type Page, type PageContext } from "./pages/page";
import { periodPage } from "./pages/period";
import { vendorPage } from "./pages/vendor";
import { UNAUTHENTICATED_EVENT } from "./api/client";
import { clearApiKey, getApiKey, setApiKey } from "./api/credentials";
import { fetchMe, type Me } from "./api/queries";
import { buildHash, parseHash, type PageName } from "./router";
import { getMe, setMe } from "./session";
import { h, replace } from "./ui/dom";
import { signInPanel } from "./ui/sign-in";

const PAGES: Record<PageName, Page> = {
  overview: overviewPage,
  criterion: criterionPage,
  assets: assetsPage,
  missing: missingPage,
  period: periodPage,
  crosswalk: crosswalkPage,
  impact: impactPage,
  engagement: engagementPage,
  control: controlPage,
  vendor: vendorPage,
  evidence: evidencePage,
  matrix: matrixPage,
  owner: ownerPage,
};

const NAV: { page: PageName; label: string }[] = [
  { page: "overview", label: "Overview" },
  { page: "matrix", label: "Criteria matrix" },
  { page: "assets", label: "Assets" },
  { page: "missing", label: "Missing evidence" },
  { page: "period", label: "Type II period" },
  { page: "crosswalk", label: "Crosswalk" },
  { page: "impact", label: "Change impact" },
];

function shell(): {
  main: HTMLElement;
  nav: HTMLElement;
  links: Map<PageName, HTMLAnchorElement>;
  session: HTMLElement;
} {
  const links = new Map<PageName, HTMLAnchorElement>();
  const nav = h(
    "nav",
    { class: "nav", "aria-label": "Main" },
    h(
      "ul",
      null,
      NAV.map((n) => {
        const a = h("a", { href: buildHash(n.page), "data-nav": n.page }, n.label);
        links.set(n.page, a);
        return h("li", null, a);
      }),
    ),
  );
  const main = h("main", { id: "main", tabindex: "-1" });
  const session = h("div", { class: "session", "data-testid": "session" });
  document.body.replaceChildren(
    h(
      "a",
      { class: "skip-link", href: "#main", onclick: (e: Event) => (e.preventDefault(), main.focus()) },
      "Skip to content",
    ),
    h(
      "header",
      { class: "topbar" },
      h(
        "a",
        { class: "brand", href: buildHash("overview") },
        h("span", { class: "brand-mark", "aria-hidden": "true" }, "◆"),
        "Attestgraph",
      ),
      nav,
      session,
    ),
    main,
  );
  return { main, nav, links, session };
}

function start(): void {
  const { main, nav, links, session } = shell();
  // The pages need a key: no navigation to them while signed out.
  nav.hidden = !getApiKey();
  let controller: AbortController | null = null;
  let lastPage: PageName | null = null;
  let signingIn = false;

  const showSession = (me: Me | null): void => {
    setMe(me);
    nav.hidden = !me && !getApiKey();
    if (!me) {
      replace(session);
      return;
    }
    const signOut = h(
      "button",
      { type: "button", class: "button button-secondary button-small", "data-testid": "sign-out" },
      "Sign out",
    );
    signOut.addEventListener("click", () => {
      clearApiKey();
      showSession(null);
      askForKey("Signed out. Paste an API key to go on.");
    });
    const name = me.actor.replace(/^key:\S+ \((.*)\)$/, "$1");
    replace(
      session,
      h(
        "span",
        { class: "who", title: `${me.actor} · ${me.roles.join(", ")}` },
        h("strong", null, me.roles.join(", ").toLowerCase()),
        ` · ${name}`,
      ),
      signOut,
    );
  };

  const askForKey = (reason: string): void => {
    controller?.abort();
    controller = null;
    signingIn = true;
    nav.hidden = true;
    document.title = "Sign in · Attestgraph";
    main.replaceChildren(
      signInPanel((key, me, remember) => {
        setApiKey(key, remember);
        signingIn = false;
        showSession(me);
        lastPage = null;
        render();
        main.querySelector<HTMLElement>("h1")?.focus();
      }, reason),
    );
    main.querySelector<HTMLInputElement>('input[name="apiKey"]')?.focus();
  };

  window.addEventListener(UNAUTHENTICATED_EVENT, () => {
    if (signingIn) return;
    clearApiKey();
    showSession(null);
    askForKey(
      getMe()
        ? "Your API key is no longer accepted (expired or revoked). Paste another to go on."
        : "The service needs an API key for every request.",
    );
  });

  const render = (): void => {
    if (signingIn) return;
    controller?.abort();
    controller = new AbortController();
    const route = parseHash(window.location.hash);
    const page = PAGES[route.page];
    for (const [name, a] of links) {
      // A criterion or an engagement is reached from the overview.
      if (name === route.page || ((route.page === "criterion" || route.page === "engagement") && name === "overview"))
        a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.title = `${page.title} · Attestgraph`;
    main.replaceChildren();
    main.dataset.page = route.page;
    const ctx: PageContext = {
      root: main,
      route,
      signal: controller.signal,
      setParams(params, push = false) {
        const hash = buildHash(route.page, route.id, params);
        if (hash === window.location.hash) return;
        route.params = Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => !!e[1]));
        if (push) history.pushState(null, "", hash);
        else history.replaceState(null, "", hash);
      },
      frameworks: frameworksLoader(controller.signal),
      now: () => new Date(),
    };
    page.render(ctx);
    // Move focus to the new page's heading when the page (not just its filters) changed.
    if (lastPage !== null && lastPage !== route.page) main.querySelector<HTMLElement>("h1")?.focus();
    lastPage = route.page;
  };
  window.addEventListener("hashchange", render);
  render();
  if (getApiKey()) fetchMe().then(showSession, () => undefined); // a 401 here asks for a key
}

start();
