"""Keep cached reads of a bank honest: any change to its questions or tags (an edit in
the admin, an import, a tag added to a question) moves the bank's ``content_version``,
and cached facets are keyed by it, so no process serves counts from before the change."""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from questions.models import Bank, Question, Tag


def bank_content_changed(*, bank_id: int | None) -> None:
    if bank_id is not None:
        Bank.objects.filter(pk=bank_id).update(content_version=F("content_version") + 1)


@receiver(post_save, sender=Question, dispatch_uid="questions.question_saved")
@receiver(post_delete, sender=Question, dispatch_uid="questions.question_deleted")
@receiver(post_save, sender=Tag, dispatch_uid="questions.tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="questions.tag_deleted")
def _question_or_tag_changed(sender, instance, **kwargs) -> None:
    bank_content_changed(bank_id=instance.bank_id)


@receiver(m2m_changed, sender=Question.tags.through, dispatch_uid="questions.tags_changed")
def _question_tags_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bank_content_changed(bank_id=instance.bank_id)
