"""One SQLite transaction per submission around nbgrader's own Gradebook API and preprocessors.

nbgrader's Gradebook methods and its ``SaveAutoGrades`` / ``AssignLatePenalties`` preprocessors
commit after every cell. Inside :func:`transaction` a commit only flushes (and expires, as a real
commit does, so computed columns such as ``score`` are read afresh); the one real commit happens at
the end. An exception or Ctrl-C before that rolls the whole submission back, so the gradebook
never holds half a submission.
"""

from __future__ import annotations

import contextlib
import os

from nbgrader.api import MissingEntry
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

__all__ = ["transaction", "TxSaveAutoGrades", "TxAssignLatePenalties", "record_submission",
           "zero_notebook"]


class _DeferredCommit:
    """A session whose ``commit`` flushes: the caller commits once, at the end."""

    def __init__(self, session):
        self._session = session

    def commit(self):
        self._session.flush()
        self._session.expire_all()

    def __getattr__(self, name):
        return getattr(self._session, name)

    def __call__(self, *args, **kwargs):  # scoped_session is callable
        return self._session(*args, **kwargs)


@contextlib.contextmanager
def transaction(gradebook):
    """Run nbgrader Gradebook calls as one transaction: all of it is saved, or none of it."""
    real = gradebook.db
    gradebook.db = _DeferredCommit(real)
    try:
        yield gradebook
        real.commit()
    except BaseException:
        real.rollback()
        raise
    finally:
        gradebook.db = real


def _bind(step, resources) -> None:
    """Set the ids nbgrader's gradebook preprocessors read from ``resources`` (as their own ``preprocess`` does)."""
    info = resources["nbgrader"]
    step.notebook_id, step.assignment_id = info["notebook"], info["assignment"]
    step.student_id, step.db_url = info["student"], info["db_url"]


class TxSaveAutoGrades(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, writing into the shared gradebook of the current transaction."""

    shared_gradebook = None

    def preprocess(self, nb, resources):
        _bind(self, resources)
        self.gradebook = self.shared_gradebook
        # the per-cell work (_add_score, _add_comment) is nbgrader's, unchanged
        return super(SaveAutoGrades, self).preprocess(nb, resources)


class TxAssignLatePenalties(AssignLatePenalties):
    """nbgrader's AssignLatePenalties (same steps as its ``preprocess``) in the shared transaction."""

    shared_gradebook = None

    def preprocess(self, nb, resources):
        _bind(self, resources)
        self.init_plugin()
        self.gradebook = self.shared_gradebook
        nb, resources = super(AssignLatePenalties, self).preprocess(nb, resources)
        assignment = self.gradebook.find_submission(self.assignment_id, self.student_id)
        notebook = self.gradebook.find_submission_notebook(
            self.notebook_id, self.assignment_id, self.student_id)
        notebook.late_submission_penalty = None
        if assignment.total_seconds_late > 0:
            self.log.warning("{} is {} seconds late".format(assignment, assignment.total_seconds_late))
            late_penalty = self.plugin_inst.late_submission_penalty(
                self.student_id, notebook.score, assignment.total_seconds_late)
            self.log.warning("Late submission penalty: {}".format(late_penalty))
            if late_penalty is not None:
                late_penalty = self._check_late_penalty(notebook, late_penalty)
                notebook.late_submission_penalty = late_penalty
        self.gradebook.db.commit()
        return nb, resources


def zero_notebook(gradebook, notebook_id: str, assignment_id: str, student_id: str) -> None:
    """Zero every grade of a notebook, as nbgrader does for a notebook that was not submitted."""
    submission = gradebook.find_submission_notebook(notebook_id, assignment_id, student_id)
    for grade in submission.grades:
        grade.auto_score = 0
        grade.needs_manual_grade = False
    gradebook.db.commit()


def record_submission(gradebook, converter, assignment_id: str, student_id: str, submitted_path: str):
    """The database part of nbgrader's ``Autograde.init_assignment``: student, submission, missing notebooks.

    Mirrors nbgrader 0.9.6 step by step (student created when missing, the submission's
    timestamp from timestamp.txt, a zero for every notebook of the assignment that was not
    submitted); the file copying happens elsewhere. Returns the submission.
    """
    coursedir = converter.coursedir
    try:
        gradebook.find_student(student_id)
    except MissingEntry:
        if not converter.create_student:
            raise LookupError(student_id) from None
        gradebook.update_or_create_student(student_id)
    gradebook.find_assignment(assignment_id)
    timestamp = coursedir.get_existing_timestamp(submitted_path)
    if timestamp:
        submission = gradebook.update_or_create_submission(assignment_id, student_id, timestamp=timestamp)
    else:
        submission = gradebook.update_or_create_submission(assignment_id, student_id)
    for notebook in gradebook.find_assignment(assignment_id).notebooks:
        path = os.path.join(submitted_path, f"{notebook.name}.ipynb")
        if not os.path.exists(path):
            zero_notebook(gradebook, notebook.name, assignment_id, student_id)
    return submission

