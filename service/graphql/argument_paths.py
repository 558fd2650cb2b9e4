"""Which argument a bad input value was given for, so its error can name it.

graphql-core reports a literal that its scalar refused at the value node, and a variable that
its scalar refused at the variable's definition: neither names the argument. `ArgumentPaths`
maps both back to the argument (`asOf`, `assets[0].changedAt`) in one walk of the document,
done only when such an error is being answered.
"""

from __future__ import annotations

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
)


class ArgumentPaths:
    def __init__(self, document: DocumentNode) -> None:
        self.values: dict[int, str] = {}  # id(value node) -> its argument path
        self.variables: dict[str, list[str]] = {}  # variable name -> the arguments it is given for
        stack: list[SelectionSetNode] = [
            d.selection_set
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
        ]
        while stack:
            for selection in stack.pop().selections:
                if isinstance(selection, FieldNode):
                    for argument in selection.arguments or ():
                        self._value(argument.value, argument.name.value)
                if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set is not None:
                    stack.append(selection.selection_set)

    def _value(self, root: ValueNode, root_path: str) -> None:
        pending: list[tuple[ValueNode, str]] = [(root, root_path)]
        while pending:
            value, path = pending.pop()
            self.values[id(value)] = path
            if isinstance(value, VariableNode):
                self.variables.setdefault(value.name.value, []).append(path)
            elif isinstance(value, ObjectValueNode):
                pending.extend((f.value, f"{path}.{f.name.value}") for f in value.fields)
            elif isinstance(value, ListValueNode):
                pending.extend((item, f"{path}[{i}]") for i, item in enumerate(value.values))

    def of(self, nodes: list[Node] | None) -> str | None:
        """The argument path of the first node that is a value or a variable's definition."""
        for node in nodes or ():
            if isinstance(node, VariableDefinitionNode):
                paths = self.variables.get(node.variable.name.value)
                if paths:
                    return ", ".join(dict.fromkeys(paths))
            elif isinstance(node, ArgumentNode):
                return node.name.value
            elif id(node) in self.values:
                return self.values[id(node)]
        return None
