from tests.workflow.conftest import world  # noqa: F401 - the small province with one user per role
