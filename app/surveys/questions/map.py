"""Map questions: points, lines and areas with a category and a comment each, or the text
alternative (a named place or a description) for residents who do not use the map."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import ngettext

from app.core import geo
from app.core.images import MAX_ALT as PHOTO_ALT_MAX_LENGTH
from app.surveys.models import OptionKind, QuestionOption, QuestionType
from app.surveys.questions.base import (
    AnswerContext,
    AnswerError,
    Cleaned,
    CleanedFeature,
    QuestionKind,
    clean_text,
    form_int,
    is_int,
)

if TYPE_CHECKING:
    from app.surveys.models import Answer

#: Hard limits whatever the question says (docs/design.md: abuse and performance).
MAX_FEATURES = 50
MAX_VERTICES = geo.MAX_VERTICES
DEFAULT_COMMENT_LENGTH = 1000
DESCRIPTION_MAX_LENGTH = 1000
#: A marking's photo key: made by the device (or a stored photo's token).
PHOTO_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


def geometry_message(code: str) -> str:
    """A translated message for a ``GeometryError`` code."""
    messages = {
        "invalid_geojson": _("The drawing is not a valid map geometry."),
        "wrong_geometry_type": _("This question asks for another kind of drawing."),
        "empty_geometry": _("The drawing is empty."),
        "too_many_vertices": _("The drawing has too many points (at most %(n)s).", n=MAX_VERTICES),
        "out_of_range": _("The drawing has coordinates outside the valid range."),
        "invalid_geometry": _("The shape crosses itself. Please draw it again."),
        "outside_area": _("The place is outside the project area. Please mark a place inside it."),
    }
    return messages.get(code, _("The drawing is not a valid map geometry."))


class MapQuestion(QuestionKind):
    """Shared behaviour of the three map question types."""

    geometry_type = "Point"

    @property
    def template(self) -> str:
        return f"surveys/questions/_{self.type.value}.html"

    @property
    def categories(self) -> list[QuestionOption]:
        return self.question.options_of(OptionKind.CATEGORY)

    @property
    def places(self) -> list[QuestionOption]:
        return self.question.options_of(OptionKind.PLACE)

    @property
    def restrict_to_area(self) -> bool:
        return bool((self.question.settings or {}).get("restrict_to_area"))

    @property
    def require_comment(self) -> bool:
        return bool((self.question.settings or {}).get("require_comment"))

    @property
    def max_comment_length(self) -> int:
        value = (self.question.settings or {}).get("max_comment_length")
        return int(value) if isinstance(value, int) and value > 0 else DEFAULT_COMMENT_LENGTH

    @property
    def max_features(self) -> int:
        q = self.question.max_count
        return min(q, MAX_FEATURES) if q else MAX_FEATURES

    def is_blank(self, raw: Mapping[str, Any]) -> bool:
        features = raw.get("features")
        if features not in (None, [], ""):
            return False
        value = raw.get("value")
        if isinstance(value, dict):
            if set(value) - {"place", "description"}:
                return False  # something unexpected: let validation say so
            description = value.get("description")
            has_text = isinstance(description, str) and description.strip()
            return value.get("place") in (None, "") and not has_text
        return super().is_blank(raw)

    def validate(self, raw: Mapping[str, Any], context: AnswerContext) -> Cleaned:
        features = raw.get("features")
        if features not in (None, [], ""):
            return self._validate_features(features, context)
        value = raw.get("value")
        if not isinstance(value, dict) or not (set(value) <= {"place", "description"}):
            raise AnswerError(
                "invalid_answer",
                _("Please mark places on the map or describe the place in text."),
            )
        cleaned: dict[str, Any] = {}
        text = None
        place = value.get("place")
        if place not in (None, ""):
            if not is_int(place):
                raise AnswerError("invalid_place", _("Please choose one of the listed places."))
            try:
                cleaned["place"] = self.option_by_id(place, OptionKind.PLACE).id
            except AnswerError:
                raise AnswerError(
                    "invalid_place", _("Please choose one of the listed places.")
                ) from None
        description = value.get("description")
        if description not in (None, ""):
            text = clean_text(description, max_length=DESCRIPTION_MAX_LENGTH) or None
            if text:
                cleaned["description"] = text
        if not cleaned:
            raise AnswerError(
                "invalid_answer",
                _("Please mark places on the map or describe the place in text."),
            )
        return Cleaned(value=cleaned, text=text)

    def _validate_features(self, features: Any, context: AnswerContext) -> Cleaned:
        if isinstance(features, dict) and features.get("type") == "FeatureCollection":
            features = features.get("features")
        if not isinstance(features, list):
            raise AnswerError("invalid_geojson", geometry_message("invalid_geojson"))
        if len(features) > self.max_features:
            raise AnswerError(
                "too_many_features",
                _("Please mark at most %(n)s places.", n=self.max_features),
            )
        q = self.question
        if q.min_count is not None and len(features) < q.min_count:
            raise AnswerError(
                "too_few_features", _("Please mark at least %(n)s places.", n=q.min_count)
            )
        categories = {c.id for c in self.categories}
        within = context.area if self.restrict_to_area else None
        cleaned: list[CleanedFeature] = []
        for number, feature in enumerate(features, start=1):
            prefix = _("Place %(n)s:", n=number) + " "
            cleaned.append(self._clean_feature(feature, prefix, categories, within))
        # Each marking's comment is stored once, on the marking: it is one contribution (bidrag).
        # The answer itself carries no text, or the same words would be counted twice.
        return Cleaned(value=None, text=None, features=cleaned)

    def _clean_feature(
        self, feature: Any, prefix: str, categories: set[int], within: Any
    ) -> CleanedFeature:
        """One marking: its geometry, category and comment; errors start with ``prefix``."""
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise AnswerError("invalid_geojson", prefix + geometry_message("invalid_geojson"))
        try:
            shape = geo.parse_geometry(
                feature.get("geometry"),
                allowed={self.geometry_type},
                within=within,
                max_vertices=MAX_VERTICES,
            )
        except geo.GeometryError as error:
            raise AnswerError(error.code, prefix + geometry_message(error.code)) from None
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise AnswerError("invalid_geojson", prefix + geometry_message("invalid_geojson"))
        category = properties.get("category")
        if isinstance(category, str) and category.isdigit():
            category = int(category)
        if categories:
            if category in (None, ""):
                raise AnswerError("category_missing", prefix + _("Please choose a category."))
            if not is_int(category) or category not in categories:
                raise AnswerError(
                    "invalid_category", prefix + _("Please choose one of the categories.")
                )
        elif category not in (None, ""):
            raise AnswerError(
                "invalid_category", prefix + _("Please choose one of the categories.")
            )
        comment = properties.get("comment")
        try:
            comment_text = (
                clean_text(comment, max_length=self.max_comment_length)
                if comment not in (None, "")
                else ""
            )
        except AnswerError as error:
            raise AnswerError(error.code, prefix + error.message) from None
        if self.require_comment and not comment_text:
            raise AnswerError("comment_missing", prefix + _("Please write a comment."))
        photo, photo_alt = self._clean_photo(properties, prefix)
        return CleanedFeature(
            geometry=geo.to_geojson(shape),
            category_id=category if categories else None,
            comment=comment_text or None,
            photo=photo,
            photo_alt=photo_alt,
        )

    @staticmethod
    def _clean_photo(properties: Mapping[str, Any], prefix: str) -> tuple[str | None, str | None]:
        """A marking's photo key and description (the file itself comes beside the answers,
        see ``app.surveys.photos``)."""
        key = properties.get("photo")
        if key in (None, ""):
            return None, None
        if not isinstance(key, str) or not PHOTO_KEY.fullmatch(key):
            raise AnswerError("photo_invalid", prefix + _("The photo could not be read."))
        alt = properties.get("photo_alt")
        if alt not in (None, "") and not isinstance(alt, str):
            raise AnswerError("photo_invalid", prefix + _("The photo could not be read."))
        text = " ".join((alt or "").split()) or None
        if text is not None and len(text) > PHOTO_ALT_MAX_LENGTH:
            raise AnswerError(
                "photo_alt_too_long",
                prefix
                + _(
                    "The description is too long (at most %(n)s characters).",
                    n=PHOTO_ALT_MAX_LENGTH,
                ),
            )
        return key, text

    def from_form(self, formdata: Any) -> dict[str, Any] | None:
        raw_features = (formdata.get(f"{self.name}_features") or "").strip()
        if raw_features and raw_features not in ("[]", "null"):
            try:
                features = json.loads(raw_features)
            except ValueError:
                features = "invalid"
            return {"features": features}
        place = form_int(formdata.get(f"{self.name}_place"))
        description = (formdata.get(f"{self.name}_description") or "").strip()
        if place is None and not description:
            return None
        value: dict[str, Any] = {}
        if place is not None:
            value["place"] = place
        if description:
            value["description"] = description
        return {"value": value}

    def describe(self, cleaned: Cleaned, language: str) -> str:
        if cleaned.features:
            labels = {c.id: self.label(c, language) for c in self.categories}
            parts = []
            for feature in cleaned.features:
                part = labels.get(feature.category_id, "") if feature.category_id else ""
                if feature.comment:
                    part = f"{part}: {feature.comment}" if part else feature.comment
                part = part or _("marked on the map")
                if feature.photo:
                    part = f"{part} ({_('with a photo')})"
                parts.append(part)
            count = ngettext(
                "%(num)s marking on the map", "%(num)s markings on the map", len(cleaned.features)
            )
            return f"{count} ({'; '.join(parts)})"
        value = cleaned.value or {}
        parts = []
        if "place" in value:
            parts.append(self.label(self.option_by_id(value["place"], OptionKind.PLACE), language))
        if value.get("description"):
            parts.append(value["description"])
        return " – ".join(parts)

    def api_settings(self) -> dict[str, Any]:
        settings = dict(self.question.settings or {})
        settings.setdefault("restrict_to_area", False)
        settings.setdefault("require_comment", False)
        settings.setdefault("max_comment_length", DEFAULT_COMMENT_LENGTH)
        settings["geometry_type"] = self.geometry_type
        settings["max_features"] = self.max_features
        return settings

    def summarise(self, answers: Sequence[Answer]) -> dict[str, Any]:
        per_category: Counter[int | None] = Counter()
        places: Counter[int] = Counter()
        features = descriptions = 0
        for answer in answers:
            for feature in answer.features:
                per_category[feature.category_id] += 1
                features += 1
            value = answer.value if isinstance(answer.value, dict) else {}
            if is_int(value.get("place")):
                places[value["place"]] += 1
            descriptions += bool(value.get("description"))
        return {
            **super().summarise(answers),
            "feature_count": features,
            "categories": [
                {
                    "category_id": c.id,
                    "label": dict(c.label),
                    "valence_hint": c.valence_hint,
                    "count": per_category.get(c.id, 0),
                }
                for c in self.categories
            ],
            "uncategorised": per_category.get(None, 0),
            "places": [
                {"place_id": p.id, "label": dict(p.label), "count": places.get(p.id, 0)}
                for p in self.places
            ],
            "description_count": descriptions,
        }


class MapPoint(MapQuestion):
    type = QuestionType.MAP_POINT
    geometry_type = "Point"


class MapLine(MapQuestion):
    type = QuestionType.MAP_LINE
    geometry_type = "LineString"


class MapPolygon(MapQuestion):
    type = QuestionType.MAP_POLYGON
    geometry_type = "Polygon"
