/** What every page gets from the shell, and the load-then-render helper they share. */
import { isAbort } from "../api/client";
import { listFrameworks } from "../api/queries";
import type { Framework } from "../api/types";
import type { Route } from "../router";
import { replace } from "../ui/dom";
import { errorState, loadingState } from "../ui/states";

export interface PageContext {
  root: HTMLElement;
  route: Route;
  /** Aborted when the user leaves the page: late answers are dropped. */
  signal: AbortSignal;
  /** Update the address bar's query (filters) without re-rendering the page; `push` adds a history entry. */
  setParams(params: Record<string, string | null | undefined>, push?: boolean): void;
  /** The frameworks in the store (asked once per page view). */
  frameworks(): Promise<Framework[]>;
  now(): Date;
}

export interface Page {
  title: string;
  render(ctx: PageContext): void;
}

const latest = new WeakMap<HTMLElement, number>();

/**
 * Show a loading state in `slot`, run `task`, then `render` its result there, or an error
 * state with a retry button. Answers that arrive after the page was left are ignored.
 */
export function load<T>(
  slot: HTMLElement,
  what: string,
  signal: AbortSignal,
  task: () => Promise<T>,
  render: (data: T) => void,
): Promise<void> {
  // Only the latest load into a slot may render there (an older, slower answer is dropped).
  const token = (latest.get(slot) ?? 0) + 1;
  latest.set(slot, token);
  const current = (): boolean => !signal.aborted && latest.get(slot) === token;
  replace(slot, loadingState(what));
  slot.setAttribute("aria-busy", "true");
  return task().then(
    (data) => {
      if (!current()) return;
      slot.removeAttribute("aria-busy");
      replace(slot);
      render(data);
    },
    (error: unknown) => {
      if (!current() || isAbort(error)) return;
      slot.removeAttribute("aria-busy");
      replace(
        slot,
        errorState(error, () => void load(slot, what, signal, task, render)),
      );
    },
  );
}

export function frameworksLoader(signal: AbortSignal): () => Promise<Framework[]> {
  let pending: Promise<Framework[]> | null = null;
  return () =>
    (pending ??= listFrameworks({ signal }).catch((error: unknown) => {
      pending = null; // let a retry ask again
      throw error;
    }));
}
