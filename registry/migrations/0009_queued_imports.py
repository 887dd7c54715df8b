"""Imports confirmed on the admin page run in the task queue: a row per queued import, with its
status and the import record it wrote (registry/tasks.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_audit_hash_chain'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('persons', 'people needing support'), ('supporters', 'supporters'), ('shelters', 'shelters'), ('hazards', 'hazard areas'), ('neighbourhoods', 'neighbourhoods')], max_length=16, verbose_name='kind')),
                ('file_name', models.CharField(max_length=255, verbose_name='file name')),
                ('stored', models.CharField(editable=False, max_length=64, verbose_name='stored as')),
                ('checksum', models.CharField(max_length=64, verbose_name='checksum (SHA-256)')),
                ('options', models.JSONField(blank=True, default=dict, verbose_name='options')),
                ('performed_by', models.CharField(max_length=150, verbose_name='performed by')),
                ('status', models.CharField(choices=[('queued', 'Waiting for a worker'), ('running', 'Importing'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=8, verbose_name='status')),
                ('task', models.CharField(blank=True, max_length=40, verbose_name='queued task')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='queued at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('record', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.importrecord', verbose_name='import')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by user')),
            ],
            options={
                'verbose_name': 'queued import',
                'verbose_name_plural': 'queued imports',
                'ordering': ['-pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'running', 'done', 'failed'])), name='importjob_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'done'), _negated=True), ('record__isnull', False), _connector='OR'), name='importjob_done_has_record'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'failed'), _negated=True), models.Q(('error', ''), _negated=True), _connector='OR'), name='importjob_failed_has_reason')],
            },
        ),
    ]
