"""Weather look-ups for action_check_weather (httpx; no rasa_sdk import).

Calls ``GET $WEATHER_API_URL/weather?city=<city>``, which answers
``{"city": ..., "summary": ..., "temperature_c": ...}``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx

DEFAULT_WEATHER_API_URL = "http://localhost:8090"
TIMEOUT_SECONDS = 5.0


class WeatherUnavailable(Exception):
    """The weather service could not be reached or gave an unusable answer."""


@dataclass(frozen=True)
class WeatherReport:
    city: str
    summary: str
    temperature_c: float

    def describe(self) -> str:
        return f"Right now in {self.city}: {self.summary.lower()}, {self.temperature_c:.0f}°C."


def weather_api_url() -> str:
    return os.environ.get("WEATHER_API_URL") or DEFAULT_WEATHER_API_URL


async def fetch_weather(
    city: str,
    base_url: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> WeatherReport:
    """Asks the weather service about city; raises WeatherUnavailable on any failure."""
    try:
        async with httpx.AsyncClient(
            base_url=base_url or weather_api_url(),
            timeout=TIMEOUT_SECONDS,
            transport=transport,
        ) as client:
            response = await client.get("/weather", params={"city": city})
            response.raise_for_status()
            return _report_from_json(response.json())
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
        raise WeatherUnavailable(str(error)) from error


def _report_from_json(data: dict) -> WeatherReport:
    return WeatherReport(
        city=str(data["city"]),
        summary=str(data["summary"]),
        temperature_c=float(data["temperature_c"]),
    )
