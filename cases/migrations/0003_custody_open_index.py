"""An index for "in custody now": the few open intervals among many (issue 7)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="custodyinterval",
            index=models.Index(
                condition=models.Q(("end__isnull", True), ("end_unknown", False)),
                fields=["start"],
                name="custody_open_start",
            ),
        ),
    ]
