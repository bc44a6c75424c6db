"""Rows in every table of a migration state, generated from its historical models' fields.

`fill(apps, alias)` writes one row in each empty table of the state `apps` (a ProjectState's apps, as
MigrationExecutor's loader gives them): every model, the many-to-many tables and the third-party apps' tables
included. Values come from the field types; a foreign key points at a row of its target (created first when the
target's table is empty), a one-to-one at a new row of its own. The check constraints are met by search: when a
row breaks one, the fields it names are tried with other values (None, each choice, the literals the constraint
names, nearby numbers and times) until it holds. What the search cannot guess is in OVERRIDES, with its reason.
"""

import datetime
import decimal
import itertools
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.fields import AutoFieldMixin

TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime(2026, 1, 15, 9, 30, tzinfo=datetime.UTC)

# (app_label, model_name) -> {field name: value}: what the generic values and the search cannot find.
OVERRIDES: dict[tuple[str, str], dict] = {
    # members 0006 splits an import's old status into step and status: a status whose new pair differs from the
    # generic first choice shows that the split ran (test_upgrade checks the pair).
    ("members", "importjob"): {"status": "checked"},
}

# Beyond this many combinations, the search for one constraint gives up (and names the constraint).
MAX_TRIES = 2000


class FillError(Exception):
    pass


class Filler:
    def __init__(self, apps, alias):
        self.apps = apps
        self.alias = alias
        self.serial = itertools.count(1)
        self.creating: list = []

    def fill(self) -> list[str]:
        """One row in each empty table; returns the tables it wrote to."""
        written = []
        for model in self.models():
            if not self.manager(model).exists():
                self.create(model)
                written.append(model._meta.db_table)
        return written

    def models(self):
        return sorted(self.apps.get_models(include_auto_created=True), key=lambda m: m._meta.label)

    def manager(self, model):
        return model._base_manager.using(self.alias)

    def row(self, model):
        """A row of `model` to point at: one already there, or a new one."""
        existing = self.manager(model).order_by("pk").first()
        return existing if existing is not None else self.create(model)

    def create(self, model):
        if model in self.creating:
            raise FillError(f"{model._meta.label}: a cycle of required foreign keys")
        # A second row of a table gets its own targets too: a unique pair of foreign keys stays unique.
        fresh = self.manager(model).exists()
        self.creating.append(model)
        try:
            values = {field.name: self.value(model, field, fresh) for field in self.fields(model)}
            values.update(OVERRIDES.get((model._meta.app_label, model._meta.model_name), {}))
            instance = model(**values)
            self.meet_check_constraints(model, instance)
            try:
                with transaction.atomic(using=self.alias):
                    instance.save(using=self.alias, force_insert=True)
            except IntegrityError as error:
                raise FillError(f"{model._meta.label}: {error}") from error
            return instance
        finally:
            self.creating.pop()

    @staticmethod
    def fields(model):
        return [field for field in model._meta.local_fields
                if not isinstance(field, AutoFieldMixin) and not field.generated]

    def value(self, model, field, fresh=False):
        if field.is_relation:
            return self.relation(model, field, fresh)
        if field.choices and not field.unique:
            return field.default if field.has_default() and not callable(field.default) else field.flatchoices[0][0]
        if field.has_default() and not field.unique and field.get_default() != "":
            return field.get_default()  # an empty text by default gets a text: every column holds data
        return self.generated(model, field)

    def relation(self, model, field, fresh=False):
        target = field.related_model
        if target is model or target in self.creating:
            if field.null:
                return None
            raise FillError(f"{model._meta.label}.{field.name}: a required foreign key in a cycle")
        if fresh or isinstance(field, models.OneToOneField) or field.unique:
            return self.create(target)
        return self.row(target)

    def generated(self, model, field):
        n = next(self.serial)
        label = f"{model._meta.model_name}-{field.name}-{n}"
        if isinstance(field, models.BooleanField):
            return True
        if isinstance(field, models.EmailField):
            return f"upgrade-{n}@example.org"
        if isinstance(field, models.URLField):
            return f"https://example.org/{label}"
        if isinstance(field, models.SlugField):
            return label.lower().replace("_", "-")[: field.max_length]
        if isinstance(field, models.CharField):
            return label[-field.max_length:] if field.max_length else label
        if isinstance(field, models.TextField):
            return f"Text of {label}"
        if isinstance(field, models.DecimalField):
            return decimal.Decimal(1)
        if isinstance(field, models.FloatField):
            return 1.0
        if isinstance(field, models.IntegerField):  # the positive and big ones too
            return n if field.unique else 1
        if isinstance(field, models.DateTimeField):
            return NOW
        if isinstance(field, models.DateField):
            return TODAY
        if isinstance(field, models.TimeField):
            return datetime.time(9, 30)
        if isinstance(field, models.DurationField):
            return datetime.timedelta(hours=1)
        if isinstance(field, models.JSONField):
            return {}
        if isinstance(field, models.UUIDField):
            return uuid.uuid4()
        if isinstance(field, models.FileField):
            return f"upgrade/{label}.pdf"
        if isinstance(field, models.BinaryField):
            return b"upgrade"
        if isinstance(field, models.GenericIPAddressField):
            return "192.0.2.1"
        raise FillError(f"{model._meta.label}.{field.name}: no value for a {type(field).__name__}")

    # Check constraints

    def meet_check_constraints(self, model, instance):
        checks = [c for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]
        for index, constraint in enumerate(checks):
            if self.holds(model, instance, constraint):
                continue
            names = [name for name in self.names(constraint.condition) if name != "pk"]
            options = [self.candidates(model, model._meta.get_field(name), instance, constraint) for name in names]
            for combination in itertools.islice(itertools.product(*options), MAX_TRIES):
                for name, candidate in zip(names, combination):
                    setattr(instance, model._meta.get_field(name).attname, candidate)
                if all(self.holds(model, instance, c) for c in checks[:index + 1]):  # the later ones next
                    break
            else:
                raise FillError(f"{model._meta.label}: no values found for the constraint {constraint.name}")

    def holds(self, model, instance, constraint) -> bool:
        try:
            constraint.validate(model, instance, using=self.alias)
        except ValidationError:
            return False
        return True

    def names(self, condition):
        """The fields a condition reads (lookups and F() both), in order, once each."""
        found = []
        for lookup, value in self.lookups(condition):
            found.append(lookup.split("__")[0])
            if isinstance(value, F):
                found.append(value.name.split("__")[0])
        return list(dict.fromkeys(found))

    def lookups(self, condition):
        for child in condition.children:
            if isinstance(child, Q):
                yield from self.lookups(child)
            elif isinstance(child, tuple):  # (lookup, value); a bare expression names no field to vary
                yield child

    def candidates(self, model, field, instance, constraint):
        """Values to try for `field`: its current one first, then None, another row, its choices, the
        constraint's literals and their neighbours, and a later time."""
        attname = field.attname
        found = [getattr(instance, attname)]
        if field.null:
            found.append(None)
        if field.is_relation and field.related_model not in self.creating:
            found.append(self.create(field.related_model).pk)  # another row: "not to oneself"
        found += [choice for choice, _ in field.flatchoices]
        for lookup, value in self.lookups(constraint.condition):
            if lookup.split("__")[0] != field.name or isinstance(value, F):
                continue
            for literal in (value if isinstance(value, (list, tuple)) else [value]):
                found.append(literal)
                if isinstance(literal, (int, decimal.Decimal)) and not isinstance(literal, bool):
                    found += [literal + 1, literal - 1]
        if isinstance(field, models.BooleanField):
            found += [True, False]
        elif isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
            found += [0, 1, 2, 100]
        elif isinstance(field, models.DateTimeField):
            found += [NOW, NOW + datetime.timedelta(hours=1)]
        elif isinstance(field, models.DateField):
            found += [TODAY, TODAY + datetime.timedelta(days=1)]
        elif isinstance(field, models.TimeField):
            found += [datetime.time(9, 30), datetime.time(10, 30)]
        elif isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            found += ["", f"{field.name} given"]
        unique = []
        for candidate in found:
            if candidate not in unique:
                unique.append(candidate)
        return unique


def fill(apps, alias: str) -> list[str]:
    """One row in every empty table of the state `apps`, on the database `alias`; the tables written to."""
    return Filler(apps, alias).fill()
