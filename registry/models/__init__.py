"""The registry: who needs help, who helps, where to go, and where the danger is."""

from registry.models.access import AccessScope, EmergencyDisclosure
from registry.models.addresses import AddressLevel, AddressPoint
from registry.models.areas import HazardArea, Neighbourhood
from registry.models.audit import AuditAction, AuditEntry
from registry.models.imports import ImportKind, ImportRecord
from registry.models.people import EmergencyContact, Person
from registry.models.shelters import Shelter
from registry.models.supporters import Supporter

__all__ = [
    "AccessScope",
    "AddressLevel",
    "AddressPoint",
    "AuditAction",
    "AuditEntry",
    "EmergencyContact",
    "EmergencyDisclosure",
    "HazardArea",
    "ImportKind",
    "ImportRecord",
    "Neighbourhood",
    "Person",
    "Shelter",
    "Supporter",
]
