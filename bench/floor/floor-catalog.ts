/** The floor's catalog: GET /products from the same reference data. */
import { PRODUCTS } from "../../services/catalog/catalog-data";
import { notFound, sendJson, serveFloor } from "./serve";

serveFloor("catalog", (req, res) => {
  if (req.method === "GET" && req.url === "/products") sendJson(res, 200, JSON.stringify({ products: PRODUCTS }));
  else notFound(res);
});
