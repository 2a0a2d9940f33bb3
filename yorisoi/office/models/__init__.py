"""センター運営: the center's profile and staffing table, vehicles and trip logs, devices, paper files, incidents,
the office lock checks and hosted trainees."""

from .security import (  # noqa: F401
    CheckoutStatus,
    Device,
    DeviceKind,
    FileCheckout,
    Incident,
    IncidentKind,
    IncidentNotification,
    NotificationMethod,
    OfficeCheck,
    PaperFile,
)
from .staffing import CenterProfile, EmploymentType, Job, Qualification, QualificationKind, StaffMember  # noqa: F401
from .trainees import Trainee, TraineeAssignment  # noqa: F401
from .training import PartnerParticipation, Training, TrainingKind, TrainingPlanItem  # noqa: F401
from .vehicles import (  # noqa: F401
    AlcoholMethod,
    AlcoholResult,
    CheckKind,
    Trip,
    Vehicle,
    VehicleCheck,
    VehicleEvent,
    VehicleEventKind,
)
