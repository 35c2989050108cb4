from questions.models.bank import Bank, Level, Question, Tag, TagKind
from questions.models.interview import (
    Attempt,
    AttemptStatus,
    InterviewMode,
    InterviewStatus,
    MockInterview,
    SelfRating,
)
from questions.models.review import ReviewCard

__all__ = [
    "Attempt",
    "AttemptStatus",
    "Bank",
    "InterviewMode",
    "InterviewStatus",
    "Level",
    "MockInterview",
    "Question",
    "ReviewCard",
    "SelfRating",
    "Tag",
    "TagKind",
]
