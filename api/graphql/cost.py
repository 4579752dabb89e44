"""What a GraphQL operation costs, worked out from the document before any resolver runs.

Every field costs its price (FIELD_COSTS, else 1) once for each time it can appear in the
answer: a field inside a list is multiplied by the most items that list can hold. A connection's
`nodes` hold at most `first` (api/graphql/paging.py caps it at MAX_FIRST); every other list is
named in LIST_BOUNDS with the most it can hold and why. An operation over the caller's budget
(per role, in settings) is refused with an error naming the budget and the operation's cost, as
the depth and alias limits are: during validation, so nothing is read or written.

`tests/api/graphql/test_graphql_bounds.py` walks the schema and fails on any list field that
is neither a connection's nodes nor bounded (LIST_BOUNDS, or a feature's `QueryFields.bounds`),
so a new list cannot arrive unbounded.

The walk prices each fragment once per type and multiplies, so a document that spreads
fragments into fragments costs time in proportion to its length, never to its expansion.
Introspection (`__schema`, `__type`) is bounded by the schema itself and costs nothing.
"""

import enum
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    is_composite_type,
    is_list_type,
    is_non_null_type,
    value_from_ast,
)
from graphql.type.definition import GraphQLInterfaceType, GraphQLObjectType
from strawberry.extensions import SchemaExtension

from api.graphql.paging import DEFAULT_FIRST, MAX_FIRST
from domain.analytics.flags import Flag
from domain.assessment.framework import MAX_STEPS, MAX_STRANDS
from domain.assessment.judgement import MAX_EVIDENCE
from domain.kernel.access import Permission
from domain.outcomes.destination import DestinationCategory

#: extensions.code of a refused operation
TOO_COSTLY = "QUERY_TOO_COSTLY"


class Bound(enum.Enum):
    """Why a list that is not a connection cannot grow without limit."""

    #: capped by a rule of the domain or by a fixed vocabulary; the cap is its multiplier
    SMALL = "small"
    #: part of an answer that only a root field returns (a report, `me`): never nested inside
    #: another list, so never multiplied; priced through its root field's cost instead
    ROOT = "root"


@dataclass(frozen=True, slots=True)
class ListBound:
    kind: Bound
    most: int
    why: str


def _small(most: int, why: str) -> ListBound:
    return ListBound(Bound.SMALL, most, why)


def _root(why: str) -> ListBound:
    return ListBound(Bound.ROOT, 1, why)


LIST_BOUNDS: Mapping[tuple[str, str], ListBound] = {
    ("Framework", "strands"): _small(MAX_STRANDS, "domain.framework.MAX_STRANDS"),
    ("Framework", "steps"): _small(MAX_STEPS, "domain.framework.MAX_STEPS"),
    ("Judgement", "evidence"): _small(MAX_EVIDENCE, "domain.judgement.MAX_EVIDENCE"),
    ("FlagsStrandFlags", "raised"): _small(len(Flag), "one of each CoP 6.17 flag at most"),
    ("DestinationsSummary", "categories"): _small(
        len(DestinationCategory), "one share per destination category"
    ),
    ("ValidationProblem", "errors"): _small(
        MAX_EVIDENCE + 20, "one problem per input field (evidence links included)"
    ),
    ("Me", "schoolIds"): _root("the caller's own scope, answered by `me` only"),
    ("Me", "trustIds"): _root("the caller's own scope, answered by `me` only"),
    ("Me", "permissions"): _small(len(Permission), "one of each permission at most"),
    ("AttendanceSummary", "schoolIds"): _root("attendanceSummary's schools"),
    ("AttendanceSummary", "groups"): _root("attendanceSummary's groups"),
    ("AttendanceSummary", "pupils"): _root("attendanceSummary's pupils, as REST answers them"),
    ("CohortReport", "schoolIds"): _root("cohortAnalysis's schools"),
    ("CohortSnapshot", "groups"): _root("cohortAnalysis's groups"),
    ("DestinationsSummary", "schoolIds"): _root("destinationsSummary's schools"),
    ("FlagWorklist", "schoolIds"): _root("flagWorklist's schools"),
    ("FlagWorklist", "pupils"): _root("flagWorklist's pupils, as REST answers them"),
    ("FlagsPupilFlags", "strands"): _root("flagWorklist's strands of one pupil"),
    ("MeasureResult", "schoolIds"): _root("measureResults's schools"),
    ("MeasureResult", "subgroups"): _root("the measure's own subgroups"),
    ("MissingJudgements", "items"): _root("missingJudgements's `limit` items"),
    ("QualificationsPassRates", "schoolIds"): _root("passRates's schools"),
    ("QualificationsPassRates", "groups"): _root("passRates's groups"),
    ("TargetProgressPage", "schoolIds"): _root("targetProgress's schools"),
    ("TargetProgressPage", "items"): _root("targetProgress's page of `first` items"),
    ("TargetSuggestionsSuggestionPage", "schoolIds"): _root("targetSuggestions's schools"),
    ("TargetSuggestionsSuggestionPage", "items"): _root("targetSuggestions's `first` pupils"),
    ("TargetSuggestionsPupilSuggestions", "strands"): _root("targetSuggestions's strands"),
}


@functools.cache
def list_bounds() -> Mapping[tuple[str, str], ListBound]:
    """LIST_BOUNDS, and the bounds each feature states for the lists of its own types beside
    its Query fields (api.graphql.context.QueryFields)."""
    from api.graphql.context import feature_query_fields  # the features import this module

    bounds = dict(LIST_BOUNDS)
    for feature in feature_query_fields():
        bounds.update(feature.bounds)
    return bounds


#: a report computed whole by one use case (as its REST route answers it)
REPORT = 5_000
#: a resolver that runs a statement of its own for each parent (no batching loader)
STATEMENT = 10

FIELD_COSTS: Mapping[tuple[str, str], int] = {
    ("Query", "cohortAnalysis"): REPORT,
    ("Query", "missingJudgements"): REPORT,
    ("Query", "targetProgress"): REPORT,
    ("Query", "targetSuggestions"): REPORT,
    ("Query", "flagWorklist"): REPORT,
    ("Query", "attendanceSummary"): REPORT,
    ("Query", "passRates"): REPORT,
    ("Query", "measureResults"): REPORT,
    ("Query", "destinationsSummary"): REPORT,
    # a school's progress facts, computed once per school and assessment point by a loader
    ("Pupil", "progress"): 50,
    ("School", "pupils"): STATEMENT,
    ("School", "modules"): STATEMENT,
    ("School", "frameworks"): STATEMENT,
    ("Trust", "schools"): STATEMENT,
    ("Mutation", "recordJudgement"): STATEMENT,
    ("Mutation", "correctJudgement"): STATEMENT,
    ("Mutation", "moderateJudgement"): STATEMENT,
    ("Mutation", "setTarget"): STATEMENT,
    ("Mutation", "changeTargetStatus"): STATEMENT,
    ("Mutation", "reviseTarget"): STATEMENT,
}


def is_connection(type_: GraphQLNamedType) -> bool:
    return type_.name.endswith("Connection") and isinstance(type_, GraphQLObjectType)


def _is_list(field: GraphQLField) -> bool:
    type_ = field.type.of_type if is_non_null_type(field.type) else field.type
    return is_list_type(type_)


class _Pricing:
    """Unit costs (multiplier 1) of selection sets, fragments priced once per type."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self._fragment_costs: dict[tuple[str, str], int] = {}
        self._pricing: set[str] = set()

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, page: int
    ) -> int:
        """What one instance of `parent`'s selection costs; `page` is the `first` of the
        connection `parent` is, for its `nodes`."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is not None:
                    total += self.selections(selection.selection_set, target, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, page)
        return total

    def _fragment(self, name: str, page: int) -> int:
        fragment = self.fragments.get(name)
        if fragment is None or name in self._pricing:  # unknown or cyclic: validation says so
            return 0
        key = (name, str(page))
        if key not in self._fragment_costs:
            target = self.schema.get_type(fragment.type_condition.name.value)
            self._pricing.add(name)
            self._fragment_costs[key] = (
                self.selections(fragment.selection_set, target, page) if target else 0
            )
            self._pricing.discard(name)
        return self._fragment_costs[key]

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int) -> int:
        name = node.name.value
        if name.startswith("__"):  # introspection and __typename: bounded by the schema
            return 0
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        field = parent.fields.get(name)
        if field is None:  # validation reports it
            return 0
        price = FIELD_COSTS.get((parent.name, name), 1)
        child = get_named_type(field.type)
        if node.selection_set is None or not is_composite_type(child):
            return price * self._items(parent, name, field, page)
        child_page = self._first(node, field) if is_connection(child) else page
        inner = self.selections(node.selection_set, child, child_page)
        return price + self._items(parent, name, field, page) * inner

    def _items(self, parent: GraphQLNamedType, name: str, field: GraphQLField, page: int) -> int:
        """The most items field `name` of `parent` holds: 1 unless it is a list."""
        if not _is_list(field):
            return 1
        if is_connection(parent) and name == "nodes":
            return page
        bound = list_bounds().get((parent.name, name))
        return bound.most if bound else MAX_FIRST

    def _first(self, node: FieldNode, field: GraphQLField) -> int:
        """The `first` a connection field is asked for (its default if none), capped as the
        resolvers cap it (a larger `first` is refused when the field resolves)."""
        argument = field.args.get("first")
        given: Any = argument.default_value if argument is not None else DEFAULT_FIRST
        for arg in node.arguments or ():
            if arg.name.value == "first" and argument is not None:
                given = value_from_ast(arg.value, argument.type, dict(self.variables))
        if not isinstance(given, int):
            return MAX_FIRST
        return max(1, min(given, MAX_FIRST))


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The cost of the operation a request runs (the named one, or the only one)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name is not None and o.name.value == operation_name)
    ]
    if len(chosen) != 1:  # none or ambiguous: graphql-core refuses it before executing
        return 0
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    pricing = _Pricing(schema, fragments, variables or {})
    return pricing.selections(operation.selection_set, root, DEFAULT_FIRST)


def _cost_rule(
    budget: int, who: str, operation_name: str | None, variables: Mapping[str, Any] | None
) -> type[ValidationRule]:
    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            cost = operation_cost(context.schema, context.document, operation_name, variables)
            if cost > budget:
                self.report_error(
                    GraphQLError(
                        f"This operation costs {cost:,}, over the budget of {budget:,} for a"
                        f" {who}: ask for fewer nodes (`first`) or fewer nested lists.",
                        extensions={"code": TOO_COSTLY, "cost": cost, "budget": budget},
                    )
                )

    return QueryCostRule


class QueryCost(SchemaExtension):
    """Refuses, during validation, an operation whose cost is over the caller's budget."""

    def __init__(self, budget_for: Callable[[Any], tuple[int, str]]) -> None:
        #: the budget and a name for the caller, from the request's context
        self._budget_for = budget_for

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        budget, who = self._budget_for(context.context)
        rule = _cost_rule(budget, who, context.operation_name, context.variables)
        context.validation_rules = (*context.validation_rules, rule)
        yield
