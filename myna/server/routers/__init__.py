"""One APIRouter per surface: health, REST channel, model API, conversations API."""
