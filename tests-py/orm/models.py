"""Models shared by the ORM tests: the department/employee pair from the first documented example."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from ferroalchemy import ForeignKey, String
from ferroalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    employees: Mapped[list[Employee]] = relationship(back_populates="department")


class Employee(Base):
    __tablename__ = "employee"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    nickname: Mapped[Optional[str]]  # noqa: UP045 - the documented spelling
    email: Mapped[str | None] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    hired: Mapped[datetime] = mapped_column(default=lambda: datetime(2020, 1, 1))
    dept_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    department: Mapped[Department] = relationship(back_populates="employees")
