"""Settings of the HTTP server (environment prefix `MYNA_SERVER_`)."""

from __future__ import annotations

from jwt.algorithms import get_default_algorithms
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ONE_MEGABYTE = 1024 * 1024
ONE_HOUR = 3600.0


class ServerSettings(BaseSettings):
    """`rasa run` options as typed settings; the API is off unless `enable_api`."""

    model_config = SettingsConfigDict(env_prefix="MYNA_SERVER_", extra="forbid")

    interface: str = "0.0.0.0"
    port: int = Field(5005, ge=1, le=65535)
    enable_api: bool = False
    auth_token: SecretStr | None = None
    jwt_secret: SecretStr | None = None
    jwt_method: str = "HS256"
    # Allowed CORS origins; empty = CORS off, ["*"] = every origin.
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(ONE_MEGABYTE, ge=1)
    # Seconds a channel waits for the bot's answer before replying with what it has.
    response_timeout: float = Field(ONE_HOUR, gt=0)

    @field_validator("auth_token", "jwt_secret")
    @classmethod
    def _not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("must not be empty (leave it unset to disable it)")
        return value

    @field_validator("jwt_method")
    @classmethod
    def _known_jwt_method(cls, value: str) -> str:
        """Only signing algorithms PyJWT can verify here (RS*/ES* need `cryptography`)."""
        known = sorted(set(get_default_algorithms()) - {"none"})
        if value not in known:
            raise ValueError(f"unsupported JWT method {value!r}; available: {', '.join(known)}")
        return value
