"""A generated demo database, so PyDBPro can be tried without connecting a real one."""

from pydbpro.demo.generate import DemoSummary, generate_demo_database

__all__ = ["DemoSummary", "generate_demo_database"]
