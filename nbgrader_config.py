"""nbgrader configuration of the cslab course (run nbgrader commands from this folder)."""

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "cslab"
c.CourseDirectory.source_directory = "source_assignments"
c.CourseDirectory.root = "."
# Students' files stay small; the data ships with the cslab package, never beside notebooks.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]
c.ClearSolutions.code_stub = {"python": "# 在这里写你的代码\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "在这里写你的答案"
c.Execute.timeout = 60
