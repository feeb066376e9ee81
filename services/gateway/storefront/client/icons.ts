/**
 * Line drawings of the catalog's products (the catalog has no pictures),
 * keyed by product id, with a parcel for any product added later. 48×48,
 * stroked in currentColor so the card's CSS decides the colour.
 */
import { svg } from "./dom";

const DRAWINGS: Readonly<Record<string, readonly string[]>> = {
  // Mesh Hoodie
  "1": [
    "M18 7c0 4.5 2.7 7 6 7s6-2.5 6-7",
    "M18 7 9.5 11 4 25l6 2.5 3-7.5V42h22V20l3 7.5 6-2.5-5.5-14L30 7",
    "M21 13v6M27 13v6",
    "M17 31h14v6H17z",
  ],
  // Sidecar Mug
  "2": ["M9 15h25v19a7 7 0 0 1-7 7H16a7 7 0 0 1-7-7z", "M34 20h3.5a5.5 5.5 0 0 1 0 11H34", "M17 4c-2 2.5 2 4.5 0 7M25 4c-2 2.5 2 4.5 0 7"],
  // Circuit Breaker Cap
  "3": ["M5 33C5 22 12 14 21 14s15 8 15 19", "M5 33h31c4 0 7.5 1.5 9 4H24", "M21 14v-3", "M23 18l-5 7h6l-4 7"],
  // Canary Socks
  "4": ["M15 5h13v19l8.5 6.5a6 6 0 0 1-7 9.8L17 31.5a5 5 0 0 1-2-4z", "M15 11h13M15 16h13"],
  // Retry Notebook
  "5": ["M13 5h23a2 2 0 0 1 2 2v34a2 2 0 0 1-2 2H13z", "M8 11h8M8 19h8M8 27h8M8 35h8", "M21 15h11M21 21h11M21 27h7"],
  // Timeout Sticker Pack
  "6": ["M33 9.6A16 16 0 1 0 40 24", "M33 9.6 40 24 32 17z", "M24 14v10l6 4", "M24 8v3M8 24h3M24 40v-3"],
  // mTLS Keychain
  "7": ["M14 8a6 6 0 1 0 0.01 0z", "M18.5 12.5 22 16", "M27 29a8 8 0 1 1-11 11", "M21.5 34.5 39 17M33 23l4 4M29 27l3 3"],
  // Tracing Tote Bag
  "8": ["M9 18h30l-2.5 25h-25z", "M18 18v-4a6 6 0 0 1 12 0v4", "M15 33l6-5 5 4 7-6"],
};

const PARCEL = ["M8 15 24 7l16 8v18l-16 8-16-8z", "M8 15l16 8 16-8", "M24 23v18"];

export function productIllustration(productId: string): SVGElement {
  return svg(
    "svg",
    { class: "product-illustration", viewBox: "0 0 48 48", width: 96, height: 96, "aria-hidden": "true", focusable: "false" },
    ...(DRAWINGS[productId] ?? PARCEL).map((d) =>
      svg("path", { d, fill: "none", stroke: "currentColor", "stroke-width": 2.2, "stroke-linecap": "round", "stroke-linejoin": "round" }),
    ),
  );
}
