"""Products and stock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import (
    Credentials,
    PageQuery,
    SearchQuery,
    StoreQuery,
    caller,
    database,
    own_store,
    wire_json,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.search import search_products
from storeassist.hub.services.stock import stock_answer

router = APIRouter(prefix=contract.API_PREFIX, tags=["catalog"], responses=PROBLEM_RESPONSES)


@router.get("/stock/{sku_or_gtin}", response_model=contract.StockAnswer)
def stock(
    sku_or_gtin: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")],
    store_id: StoreQuery,
    request: Request,
    credentials: Credentials,
) -> Response:
    """Stock here, and at other stores that have it, nearest first, each with its as-of time."""
    with database(request).reading() as session:
        device = caller(session, credentials)
        return wire_json(stock_answer(session, sku_or_gtin, own_store(device, store_id)), request=request)


@router.get("/products", response_model=contract.ProductPage)
def products(
    request: Request, credentials: Credentials, q: SearchQuery = "", page: PageQuery = 0
) -> Response:
    """SKU or barcode by prefix, or words of the name, brand or category; 20 a page."""
    with database(request).reading() as session:
        caller(session, credentials)
        return wire_json(search_products(session, q, page), request=request)
