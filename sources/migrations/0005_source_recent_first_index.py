"""An index for "most recent first" over sources, which report search walks for common words."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_source_original_file"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="source",
            index=models.Index(
                models.OrderBy(models.F("published"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="source_recent_first",
            ),
        ),
    ]
