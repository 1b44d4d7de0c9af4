"""/v1/law: the API returns what `migralex.law` says, and names what it does not know."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from migralex.law import acts, article, params
from migralex.law.texts import acts_with_text


def test_acts_list_every_act_with_identifiers(client: TestClient) -> None:
    body = client.get("/v1/law/acts").json()
    assert [a["key"] for a in body] == [a.key for a in acts()]
    ammr = next(a for a in body if a["key"] == "AMMR")
    assert ammr["celex"] == "32024R1351" and ammr["has_text"] is True
    assert ammr["applies_from"] == next(a for a in acts() if a.key == "AMMR").applies_from.isoformat()


def test_article_text_and_paragraphs_come_from_the_shipped_text(client: TestClient) -> None:
    r = client.get("/v1/law/AMMR/articles/33")
    assert r.status_code == 200
    body = r.json()
    shipped = article("AMMR", 33)
    assert body["text"] == shipped.text and body["title"] == shipped.title
    assert body["citation"] == "AMMR Art. 33"
    assert body["paragraphs"] == shipped.paragraphs() and "1" in body["paragraphs"]


def test_act_aliases_and_case_are_accepted(client: TestClient) -> None:
    assert client.get("/v1/law/ammr/articles/33").json()["act"] == "AMMR"
    assert client.get("/v1/law/2024%2F1351/articles/33").status_code in (200, 404)  # '/' is a path separator
    assert client.get("/v1/law/RAMM/articles/33").json()["act"] == "AMMR"


def test_article_list_has_every_article_in_order(client: TestClient) -> None:
    for key in acts_with_text():
        body = client.get(f"/v1/law/{key}/articles").json()
        numbers = [a["number"] for a in body]
        assert numbers == sorted(numbers) and numbers, key


def test_unknown_act_and_article_are_404_with_what_exists(client: TestClient) -> None:
    r = client.get("/v1/law/NOPE/articles/1")
    assert r.status_code == 404 and r.json()["error"] == "not_found" and "AMMR" in r.json()["message"]
    r = client.get("/v1/law/AMMR/articles/999")
    assert r.status_code == 404 and "Articles 1" in r.json()["message"]
    r = client.get("/v1/law/APD_2013/articles")
    assert r.status_code == 404


def test_bad_article_number_is_422_naming_the_path_parameter(client: TestClient) -> None:
    for bad in ("abc", "0", "-3"):
        r = client.get(f"/v1/law/AMMR/articles/{bad}")
        assert r.status_code == 422
        assert [d["path"] for d in r.json()["detail"]] == ["path.n"]


def test_params_on_a_date_give_the_value_in_force(client: TestClient) -> None:
    on = dt.date(2026, 12, 31)
    body = client.get("/v1/law/params", params={"on": on.isoformat()}).json()
    assert body, "no parameter in force"
    for p in body:
        assert len(p["values"]) == 1
        value = params().value(p["name"], on)
        assert p["values"][0]["value"] == (value.isoformat() if isinstance(value, dt.date) else value)
    everything = client.get("/v1/law/params").json()
    assert sum(len(p["values"]) for p in everything) == sum(len(p.values) for p in params().values())


def test_params_filter_by_act_and_name(client: TestClient) -> None:
    body = client.get("/v1/law/params", params={"act": "APR"}).json()
    assert body and all(v["act"] == "APR" for p in body for v in p["values"][-1:])
    named = client.get("/v1/law/params", params={"name": "recognition_rate"}).json()
    assert named and all("recognition_rate" in p["name"] for p in named)
    for p in body:
        assert p["values"][-1]["quote"] is None or p["values"][-1]["quote"]


def test_params_bad_date_is_422_with_query_path(client: TestClient) -> None:
    r = client.get("/v1/law/params", params={"on": "31/12/2026"})
    assert r.status_code == 422 and r.json()["detail"][0]["path"] == "query.on"
    r = client.get("/v1/law/params", params={"act": "NOPE"})
    assert r.status_code == 404


def test_search_finds_the_article_with_the_words(client: TestClient) -> None:
    body = client.get("/v1/law/search", params={"q": "20 months", "act": "AMMR"}).json()
    assert body and all(h["act"] == "AMMR" for h in body)
    assert all("20 months" in article(h["act"], h["number"]).text for h in body)
    assert client.get("/v1/law/search", params={"q": "   "}).status_code == 422
