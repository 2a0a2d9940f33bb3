from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Center, Staff


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name", "prefecture", "case_visibility"]
    search_fields = ["name"]


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    list_display = ["username", "display_name", "center", "role", "is_active", "is_superuser"]
    list_filter = ["center", "role", "is_active", "is_superuser"]
    search_fields = ["username", "display_name"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("センターと役割", {"fields": ["center", "role", "display_name", "display_name_kana"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        ("センターと役割", {"fields": ["center", "role", "display_name"]}),
    ]
