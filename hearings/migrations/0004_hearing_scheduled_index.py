"""An index for upcoming hearings: the scheduled few among many held (issue 7)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hearings", "0003_hearing_attendance_and_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hearing",
            index=models.Index(
                condition=models.Q(("status", "scheduled")),
                fields=["date", "time"],
                name="hearing_scheduled_date",
            ),
        ),
    ]
