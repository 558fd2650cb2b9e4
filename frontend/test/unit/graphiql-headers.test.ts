import { describe, expect, it } from "vitest";
import { requestHeaders } from "../../src/graphiql/headers";

describe("GraphiQL's request headers", () => {
  it("send the page's key as a bearer token", () => {
    expect(requestHeaders({}, "  ag_k  ")).toEqual({
      "content-type": "application/json",
      accept: "application/json",
      authorization: "Bearer ag_k",
    });
  });

  it("let a credential typed in the headers editor win, whatever its case or scheme", () => {
    expect(requestHeaders({ Authorization: "Bearer ag_typed" }, "ag_field").Authorization).toBe("Bearer ag_typed");
    expect(requestHeaders({ "X-API-Key": "ag_typed" }, "ag_field")).not.toHaveProperty("authorization");
  });

  it("send no credential without a key, and drop values that are not text", () => {
    const headers = requestHeaders({ "x-trace": "1", n: 5 }, " ");
    expect(headers).toEqual({ "content-type": "application/json", accept: "application/json", "x-trace": "1" });
  });
});
