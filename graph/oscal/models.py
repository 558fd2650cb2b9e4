"""The parts of OSCAL documents that Attestgraph reads, as pydantic shapes.

Only what the importers use is modelled; every other OSCAL field is accepted and ignored, so any
valid catalog or mapping collection reads. Field names follow OSCAL's JSON (aliases), so a
validation error's location is the JSON path of the offending value.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

# OSCAL's token datatype (an XML NCName), restricted to the characters we can also write.
TOKEN_PATTERN = r"^[_A-Za-z\u00C0-\uFFFD][_A-Za-z0-9\u00B7\u00C0-\uFFFD.\-]*$"
Token = Annotated[str, Field(pattern=TOKEN_PATTERN)]
# OSCAL's string datatype: no leading or trailing whitespace, at least one character.
OscalString = Annotated[str, Field(pattern=r"^\S(.*\S)?$")]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Prop(_Shape):
    name: Token
    value: str
    ns: str | None = None
    class_: str | None = Field(default=None, alias="class")


class Part(_Shape):
    id: Token | None = None
    name: Token
    title: str | None = None
    prose: str | None = None
    props: list[Prop] = Field(default_factory=list)
    parts: list[Part] = Field(default_factory=list)


class Selection(_Shape):
    how_many: str | None = Field(default=None, alias="how-many")
    choice: list[str] = Field(default_factory=list)


class Guideline(_Shape):
    prose: str


class Param(_Shape):
    id: Token
    label: str | None = None
    guidelines: list[Guideline] = Field(default_factory=list)
    select: Selection | None = None
    values: list[str] = Field(default_factory=list)


class Control(_Shape):
    id: Token
    title: str
    class_: str | None = Field(default=None, alias="class")
    params: list[Param] = Field(default_factory=list)
    props: list[Prop] = Field(default_factory=list)
    parts: list[Part] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)


class Group(_Shape):
    id: Token | None = None
    title: str
    class_: str | None = Field(default=None, alias="class")
    params: list[Param] = Field(default_factory=list)
    props: list[Prop] = Field(default_factory=list)
    parts: list[Part] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)


class Party(_Shape):
    uuid: str
    type: str | None = None
    name: str | None = None


class ResponsibleParty(_Shape):
    role_id: str = Field(alias="role-id")
    party_uuids: list[str] = Field(alias="party-uuids")


class Metadata(_Shape):
    title: str
    version: OscalString
    oscal_version: OscalString = Field(alias="oscal-version")
    props: list[Prop] = Field(default_factory=list)
    parties: list[Party] = Field(default_factory=list)
    responsible_parties: list[ResponsibleParty] = Field(default_factory=list, alias="responsible-parties")
    remarks: str | None = None


class Catalog(_Shape):
    uuid: str
    metadata: Metadata
    params: list[Param] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)


class CatalogDocument(_Shape):
    catalog: Catalog


class MappingItem(_Shape):
    type: Token
    id_ref: OscalString = Field(alias="id-ref")
    props: list[Prop] = Field(default_factory=list)


class ResourceReference(_Shape):
    type: Token
    href: str
    props: list[Prop] = Field(default_factory=list)


class ConfidenceScore(_Shape):
    category: str | None = None
    percentage: Annotated[float, Field(ge=0, le=1)] | None = None


class Map(_Shape):
    uuid: str
    ns: str | None = None
    relationship: Token
    sources: Annotated[list[MappingItem], Field(min_length=1)]
    targets: Annotated[list[MappingItem], Field(min_length=1)]
    confidence_score: ConfidenceScore | None = Field(default=None, alias="confidence-score")
    props: list[Prop] = Field(default_factory=list)
    remarks: str | None = None


class Mapping(_Shape):
    uuid: str
    source_resource: ResourceReference = Field(alias="source-resource")
    target_resource: ResourceReference = Field(alias="target-resource")
    maps: Annotated[list[Map], Field(min_length=1)]
    props: list[Prop] = Field(default_factory=list)


class Provenance(_Shape):
    method: str
    matching_rationale: str = Field(alias="matching-rationale")
    status: str
    mapping_description: str = Field(alias="mapping-description")


class MappingCollection(_Shape):
    uuid: str
    metadata: Metadata
    provenance: Provenance
    # OSCAL 1.2 allows a single mapping object here as well as a list; a single one reads as a list of one.
    mappings: Annotated[list[Mapping], Field(min_length=1)]

    @field_validator("mappings", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value


class MappingDocument(_Shape):
    mapping_collection: MappingCollection = Field(alias="mapping-collection")
