// The mobile flow through a TypeScript client generated from the schema: openapi-typescript's types
// (build/schema.d.ts) and openapi-fetch's calls, type-checked by tsc, run by Node.
//
// Run by `clients/sdk flow typescript URL` with BUYER_EMAIL, SELLER_EMAIL, PASSWORD and IMAGE in
// the environment. Each area ends with one refusal, read as the documented Error.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "../build/schema.js";

type Schemas = components["schemas"];
type Product = Schemas["Product"];

const base = process.argv[2] ?? process.env.BAZAAR_URL ?? "";
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

function step(name: string): void {
  console.log(`typescript: ${name}`);
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`typescript flow failed: ${message}`);
}

function refused(answer: { error?: Schemas["Error"]; response: Response }, status: number, area: string): void {
  check(answer.response.status === status, `${area}: expected ${status}, got ${answer.response.status}`);
  check(answer.error?.detail, `${area}: no Error body`);
  console.log(`typescript:   refused as documented (${status} ${answer.error.code}): ${answer.error.detail}`);
}

const api = (token?: string) =>
  createClient<paths>({ baseUrl: base, headers: token ? { Authorization: `Bearer ${token}` } : {} });

async function logIn(email: string): Promise<Schemas["TokenPair"]> {
  const { data } = await api().POST("/api/v1/auth/login", { body: { email, password: env("PASSWORD") } });
  check(data, `login of ${email}`);
  return data;
}

async function main(): Promise<void> {
  const anyone = api();

  step("log in, refresh; a wrong password is refused");
  const tokens = await logIn(env("BUYER_EMAIL"));
  const fresh = await anyone.POST("/api/v1/auth/refresh", { body: { refresh: tokens.refresh } });
  check(fresh.data && fresh.data.access !== tokens.access, "refresh gave no new access token");
  refused(
    await anyone.POST("/api/v1/auth/login", { body: { email: env("BUYER_EMAIL"), password: "not-the-password" } }),
    401,
    "auth",
  );
  const buyer = api(fresh.data.access);

  step("list products with filters and sorting, page to the end, then again by cursor");
  const categories = await anyone.GET("/api/v1/categories");
  const category = categories.data?.results[0];
  check(category, "no category");
  const filters = { category: category.id, in_stock: true, ordering: "price", min_price: "1.00", page_size: 2 } as const;
  const first = await anyone.GET("/api/v1/products", { params: { query: filters } });
  check(first.data && first.data.count >= 3, "the category has too few products");
  const seen: Product[] = [];
  for (let page = 1; ; page++) {
    const { data } = await anyone.GET("/api/v1/products", { params: { query: { ...filters, page } } });
    check(data, `page ${page}`);
    seen.push(...data.results);
    if (!data.next) break;
  }
  const prices = seen.map((product) => Number(product.price));
  check(seen.length === first.data.count, "the pages do not cover the list");
  check(prices.every((price, i) => i === 0 || (prices[i - 1] ?? 0) <= price), "not in price order");
  check(seen.every((product) => product.in_stock && product.category === category.id), "a filter was not applied");
  const byCursor = [...first.data.results];
  for (let cursor = first.data.next_cursor; cursor; ) {
    const { data } = await anyone.GET("/api/v1/products", { params: { query: { ...filters, cursor } } });
    check(data, "cursor page");
    byCursor.push(...data.results);
    cursor = data.next_cursor;
  }
  check(byCursor.map((p) => p.id).join() === seen.map((p) => p.id).join(), "the cursor walk differs from the pages");
  refused(await anyone.GET("/api/v1/products", { params: { query: { page_size: 1000 } } }), 400, "catalogue");

  step("product detail, revalidated with its ETag");
  const chosen = seen[0];
  check(chosen, "no product");
  const detail = await anyone.GET("/api/v1/products/{id}", { params: { path: { id: chosen.id } } });
  const etag = detail.response.headers.get("ETag");
  check(detail.data?.id === chosen.id && etag, "product detail");
  const again = await anyone.GET("/api/v1/products/{id}", {
    params: { path: { id: chosen.id }, header: { "If-None-Match": etag } },
  });
  check(again.response.status === 304, `revalidation answered ${again.response.status}`);
  const product = detail.data;

  step("add to cart, change the quantity, read the cart; too many is refused");
  const added = await buyer.POST("/api/v1/cart", { body: { product: product.id, quantity: 1 } });
  const line = added.data?.items.find((item) => item.product === product.id);
  check(line, "the product is not in the cart");
  await buyer.PATCH("/api/v1/cart/{id}", { params: { path: { id: line.id } }, body: { quantity: 2 } });
  const cart = (await buyer.GET("/api/v1/cart")).data;
  check(cart?.items.length === 1 && cart.items[0]?.quantity === 2, "the cart does not hold 2 of it");
  check(Number(cart.total) === Number(product.price) * 2, "the cart total is not twice the price");
  refused(await buyer.POST("/api/v1/cart", { body: { product: product.id, quantity: product.stock + 1 } }), 409, "cart");

  step("purchase with an Idempotency-Key, retry it: the same purchase");
  const key = randomUUID();
  const checkout = {
    params: { header: { "Idempotency-Key": key } },
    body: { shipping_name: "Ann Buyer", shipping_address: "1 Main St" },
  };
  const bought = await buyer.POST("/api/v1/purchases", checkout);
  const retried = await buyer.POST("/api/v1/purchases", checkout);
  check(bought.response.status === 201 && bought.data, `purchase: ${bought.response.status}`);
  check(retried.response.status === 200 && retried.data?.id === bought.data.id, "the retry made another purchase");
  const purchase = bought.data;
  check(purchase.history[0]?.from_status === null, "the first status change has a previous status");

  step("history and detail, the order's events; cancel; cancelling again is refused");
  const history = await buyer.GET("/api/v1/purchases");
  check(history.data?.results.some((p) => p.id === purchase.id), "the purchase is not in the history");
  const read = await buyer.GET("/api/v1/purchases/{id}", { params: { path: { id: purchase.id } } });
  check(read.data?.total === purchase.total, "purchase detail");
  const cancelled = await buyer.POST("/api/v1/purchases/{id}/cancel", { params: { path: { id: purchase.id } } });
  check(cancelled.data?.status === "cancelled", "the purchase was not cancelled");
  const events = await buyer.GET("/api/v1/purchases/{id}/events", { params: { path: { id: purchase.id } } });
  const timeline = events.data?.events.map((e) => `${e.from_status}>${e.to_status}`).join(" ");
  check(timeline === "null>placed placed>cancelled", `events: ${timeline}`);
  refused(await buyer.POST("/api/v1/purchases/{id}/cancel", { params: { path: { id: purchase.id } } }), 409, "purchases");

  step("as a seller: create a product, upload an image, change its price, read its comments");
  const seller = api((await logIn(env("SELLER_EMAIL"))).access);
  const kettle = { title: "TypeScript flow kettle", price: "24.50", stock: 5, category: category.id };
  const created = await seller.POST("/api/v1/products", { body: kettle });
  check(created.response.status === 201 && created.data?.price === "24.50", "product creation");
  const id = created.data.id;
  const form = new FormData();
  form.append("file", new Blob([readFileSync(env("IMAGE"))], { type: "image/png" }), "kettle.png");
  const picture = await seller.POST("/api/v1/products/{id}/image", {
    params: { path: { id } },
    body: { file: "kettle.png", alt_text: "A copper-coloured kettle" }, // the file itself goes in the form
    bodySerializer: () => form,
  });
  check(picture.data, `the image upload: ${picture.response.status}`);
  check(picture.data.url.startsWith("http") && (picture.data.width ?? 0) > 0, "the uploaded image");
  const repriced = await seller.PATCH("/api/v1/products/{id}", { params: { path: { id } }, body: { price: "19.90" } });
  check(repriced.data?.price === "19.90" && repriced.data.images[0]?.id === picture.data.id, "the price change");
  await buyer.POST("/api/v1/products/{id}/comments", { params: { path: { id } }, body: { rating: 5, text: "Boils fast." } });
  const comments = await seller.GET("/api/v1/products/{id}/comments", { params: { path: { id } } });
  check(comments.data?.results.map((c) => `${c.rating}:${c.text}`).join() === "5:Boils fast.", "the comments");
  refused(await buyer.POST("/api/v1/products", { body: kettle }), 403, "seller");

  step("search with facets, in each kind; suggestions");
  const found = await anyone.GET("/api/v1/search", { params: { query: { q: "kettle", type: "products" } } });
  const hits = found.data?.results ?? [];
  check(hits.length > 0 && hits.every((hit) => hit.type === "product" && Number(hit.price) >= 0), "product hits");
  check(found.data?.facets.category?.every((facet) => facet.count > 0), "category facets");
  check(typeof found.data?.facets.in_stock?.[0]?.value === "boolean", "the stock facet is not a boolean");
  const shops = await anyone.GET("/api/v1/search", { params: { query: { type: "sellers" } } });
  check(shops.data?.results.every((hit) => hit.type === "seller" && hit.slug), "seller hits");
  const reviews = await anyone.GET("/api/v1/search", { params: { query: { q: "boils", type: "comments" } } });
  check(reviews.data?.results.some((hit) => hit.type === "comment" && hit.rating === 5), "comment hits");
  const suggestions = await anyone.GET("/api/v1/search/suggest", { params: { query: { q: "TypeScript flow" } } });
  check(suggestions.data?.suggestions.some((s) => s.id === id), "the suggestion for the new product");
  refused(await anyone.GET("/api/v1/search", { params: { query: { min_price: "9.00", max_price: "1.00" } } }), 400, "search");

  console.log("typescript: the whole flow passed");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
