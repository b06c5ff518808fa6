"""Models of the projects area, split by concept; import from here."""

from projects.models.files import FileVersion, ProjectFile
from projects.models.matrix import (
    MATRIX_COLUMNS,
    MatrixCell,
    MatrixCellRevision,
    MatrixColumn,
    MatrixRow,
)
from projects.models.plan import (
    LogEntry,
    LogKind,
    PlanItem,
    PlanItemKind,
    PlanItemStatus,
    ProgressUpdate,
    ProjectMeeting,
)
from projects.models.workspace import Project, ProjectMember, ProjectStatus
from projects.models.writeup import ProjectSection, SectionRevision, SectionSpec

__all__ = [
    "MATRIX_COLUMNS",
    "FileVersion",
    "LogEntry",
    "LogKind",
    "MatrixCell",
    "MatrixCellRevision",
    "MatrixColumn",
    "MatrixRow",
    "PlanItem",
    "PlanItemKind",
    "PlanItemStatus",
    "ProgressUpdate",
    "Project",
    "ProjectFile",
    "ProjectMeeting",
    "ProjectMember",
    "ProjectSection",
    "ProjectStatus",
    "SectionRevision",
    "SectionSpec",
]
