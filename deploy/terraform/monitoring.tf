# Log-based metrics on the services' own log lines (Cloud Logging JSON: jsonPayload.event_id is the
# LoggerMessage EventId, the message's placeholders are camel-cased fields), and an alert on each.
locals {
  service_logs = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=(\"${local.dispatcher_service}\" OR \"${local.worker_service}\")"
}

# FetchMessageProcessor event 801: a fetch request ran out of delivery attempts; its pages are
# recorded as failed (retry them with POST /runs/{run}/retry).
resource "google_logging_metric" "dead_lettered" {
  project     = var.project
  name        = "xerosync/${var.client_name}/dead_lettered"
  description = "Fetch requests dead-lettered after every delivery attempt failed (event 801)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=801"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "tenant_id"
      value_type = "STRING"
    }

    labels {
      key        = "endpoint"
      value_type = "STRING"
    }
  }

  label_extractors = {
    tenant_id = "EXTRACT(jsonPayload.tenantId)"
    endpoint  = "EXTRACT(jsonPayload.endpoint)"
  }

  depends_on = [google_project_service.apis]
}

# ManifestLoader event 400 with partial=true: a run's table was loaded without some pages (failed or
# deferred); the run is partial until `retry` completes it.
resource "google_logging_metric" "partial_loads" {
  project     = var.project
  name        = "xerosync/${var.client_name}/partial_loads"
  description = "Manifests loaded while some pages of the run were missing (event 400, partial: true)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=400 AND jsonPayload.partial=true"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "tenant_id"
      value_type = "STRING"
    }
  }

  label_extractors = {
    tenant_id = "EXTRACT(jsonPayload.tenantId)"
  }

  depends_on = [google_project_service.apis]
}

# FetchRequestHandler event 501: an organisation's daily Xero call limit is spent; its remaining pages
# are deferred until the reset and picked up by `retry` or the next run.
resource "google_logging_metric" "deferred_daily_limit" {
  project     = var.project
  name        = "xerosync/${var.client_name}/deferred_daily_limit"
  description = "Endpoints deferred because the organisation's daily Xero call limit is spent (event 501)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=501"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "tenant_id"
      value_type = "STRING"
    }
  }

  label_extractors = {
    tenant_id = "EXTRACT(jsonPayload.tenantId)"
  }

  depends_on = [google_project_service.apis]
}




# FreshnessRecorder event 1150: one line per (run, organisation, endpoint) of webhook changes landed,
# with latencySeconds from the batch's earliest event to its load committing. Counted when over a minute.
resource "google_logging_metric" "webhook_slow_landings" {
  project     = var.project
  name        = "xerosync/${var.client_name}/webhook_slow_landings"
  description = "Webhook changes that landed more than 60 s after Xero's event (event 1150, latencySeconds > 60)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=1150 AND jsonPayload.latencySeconds>60"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "tenant_id"
      value_type = "STRING"
    }

    labels {
      key        = "endpoint"
      value_type = "STRING"
    }
  }

  label_extractors = {
    tenant_id = "EXTRACT(jsonPayload.tenantId)"
    endpoint  = "EXTRACT(jsonPayload.endpoint)"
  }

  depends_on = [google_project_service.apis]
}

# RefreshTokenSource event 116: Xero refused the stored refresh token (invalid_grant: revoked, unused for
# 60 days, or used elsewhere). Every call of the connection fails until `connect` runs again.
resource "google_logging_metric" "invalid_grant" {
  project     = var.project
  name        = "xerosync/${var.client_name}/invalid_grant"
  description = "Xero refused the stored refresh token (event 116, invalid_grant)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=116"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }

  depends_on = [google_project_service.apis]
}

# Cloud Scheduler's own log: an attempt of the sync, reconcile or (with webhooks) webhook quiet-check job
# that did not succeed (the Dispatcher answered an error, timed out, or refused the job's token). None of
# the jobs retries.
locals {
  scheduler_jobs = concat([google_cloud_scheduler_job.run.name, google_cloud_scheduler_job.reconcile.name, google_cloud_scheduler_job.tie_out.name], google_cloud_scheduler_job.webhook_quiet_check[*].name)
}

resource "google_logging_metric" "scheduler_failures" {
  project     = var.project
  name        = "xerosync/${var.client_name}/scheduler_failures"
  description = "Failed attempts of the sync, reconcile, tie-out and webhook quiet-check Cloud Scheduler jobs."
  filter      = "resource.type=\"cloud_scheduler_job\" AND resource.labels.job_id=(${join(" OR ", formatlist("\"%s\"", local.scheduler_jobs))}) AND jsonPayload.@type=\"type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished\" AND severity>=ERROR"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "job_id"
      value_type = "STRING"
    }
  }

  label_extractors = {
    job_id = "EXTRACT(resource.labels.job_id)"
  }

  depends_on = [google_project_service.apis]
}

# One alert per log metric, plus 5xx from either service: each fires on the first event in its window
# (threshold 0; 5 for 5xx), tells every notification channel, and closes itself after a day.
locals {
  alerts = {
    dead_lettered = {
      display_name  = "fetch requests dead-lettered"
      condition     = "dead-lettered fetch requests > 0"
      filter        = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.dead_lettered.name}\" AND resource.type=\"cloud_run_revision\""
      threshold     = 0
      period        = "300s"
      group_by      = null
      documentation = "Pages of a run failed on every delivery attempt and were recorded as failed. Read the Worker's errors (event 503) for the reason, fix it, then `POST /runs/RUN_ID/retry` on the Dispatcher (docs/operate.md)."
    }
    partial_loads = {
      display_name  = "partial runs"
      condition     = "partial manifest loads > 0"
      filter        = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.partial_loads.name}\" AND resource.type=\"cloud_run_revision\""
      threshold     = 0
      period        = "3600s"
      group_by      = null
      documentation = "A run loaded a table with pages missing (failed, dead-lettered or deferred). `GET /runs/RUN_ID` lists them; `POST /runs/RUN_ID/retry` republishes them (docs/operate.md)."
    }
    deferred_daily_limit = {
      display_name  = "organisations at Xero's daily limit"
      condition     = "endpoints deferred at the daily limit > 0"
      filter        = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.deferred_daily_limit.name}\" AND resource.type=\"cloud_run_revision\""
      threshold     = 0
      period        = "3600s"
      group_by      = ["metric.label.tenant_id"]
      documentation = "An organisation spent its daily Xero call limit (5,000 a day; 1,000 on Starter plans). Its remaining pages wait for the reset; the next run or `POST /runs/RUN_ID/retry` after the reset fetches them. If it recurs, sync that organisation less often or with fewer endpoints (docs/operate.md)."
    }
    invalid_grant = {
      display_name  = "Xero refused the refresh token"
      condition     = "invalid_grant > 0"
      filter        = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.invalid_grant.name}\" AND resource.type=\"cloud_run_revision\""
      threshold     = 0
      period        = "300s"
      group_by      = null
      documentation = "Xero refused the connection's refresh token (invalid_grant): nothing syncs until it is authorised again. Run `connect --secret` (docs/deploy.md, step 5), then retry the partial runs (docs/operate.md)."
    }
    scheduler_failures = {
      display_name  = "scheduled sync, reconcile, tie-out or quiet check failed to start"
      condition     = "failed Scheduler attempts > 0"
      filter        = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.scheduler_failures.name}\" AND resource.type=\"cloud_scheduler_job\""
      threshold     = 0
      period        = "3600s"
      group_by      = null
      documentation = "Cloud Scheduler could not start a sync, reconcile or webhook quiet check (the Dispatcher answered an error, timed out or refused the token). The jobs do not retry: read the job's log and the Dispatcher's errors, fix, then `gcloud scheduler jobs run JOB --location REGION` (docs/operate.md)."
    }
    webhook_slow_landings = {
      display_name  = "webhook changes landing late"
      condition     = "webhook batches landed > 60 s after the event > 0"
      filter        = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.webhook_slow_landings.name}\" AND resource.type=\"cloud_run_revision\""
      threshold     = 0
      period        = "3600s"
      group_by      = ["metric.label.tenant_id"]
      documentation = "Webhook changes took more than a minute from Xero's event to the warehouse. `GET /freshness` on the Dispatcher shows each table's latency; the run it names (`GET /runs/RUN_ID`) shows where the time went: throttled or deferred pages, a slow load (docs/webhooks.md)."
    }
    # Either service answering 5xx: on the Worker Pub/Sub redelivers (a steady rate means a page keeps
    # failing); on the Dispatcher an operator's or the Scheduler's call failed.
    server_errors = {
      display_name  = "services answering 5xx"
      condition     = "5xx responses > 5 in 10 minutes"
      filter        = "metric.type=\"run.googleapis.com/request_count\" AND resource.type=\"cloud_run_revision\" AND resource.labels.service_name=(\"${local.dispatcher_service}\" OR \"${local.worker_service}\") AND metric.labels.response_code_class=\"5xx\""
      threshold     = 5
      period        = "600s"
      group_by      = ["resource.label.service_name"]
      documentation = "A service answered more than five 5xx in ten minutes. Read its errors in Logs Explorer (severity>=ERROR); Worker 5xx are redelivered by Pub/Sub and dead-lettered after max_delivery_attempts (docs/operate.md)."
    }
  }
}

resource "google_monitoring_alert_policy" "alerts" {
  for_each = local.alerts

  project               = var.project
  display_name          = "XeroSync ${var.client_name}: ${each.value.display_name}"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = each.value.condition

    condition_threshold {
      filter          = each.value.filter
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = "0s"

      aggregations {
        alignment_period     = each.value.period
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = each.value.group_by == null ? null : "REDUCE_SUM"
        group_by_fields      = each.value.group_by
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = each.value.documentation
  }
}

# The alerts were one resource each before; state moves to the keyed instances without a replacement.
moved {
  from = google_monitoring_alert_policy.dead_lettered
  to   = google_monitoring_alert_policy.alerts["dead_lettered"]
}

moved {
  from = google_monitoring_alert_policy.partial_loads
  to   = google_monitoring_alert_policy.alerts["partial_loads"]
}

moved {
  from = google_monitoring_alert_policy.deferred_daily_limit
  to   = google_monitoring_alert_policy.alerts["deferred_daily_limit"]
}

moved {
  from = google_monitoring_alert_policy.invalid_grant
  to   = google_monitoring_alert_policy.alerts["invalid_grant"]
}

moved {
  from = google_monitoring_alert_policy.scheduler_failures
  to   = google_monitoring_alert_policy.alerts["scheduler_failures"]
}

moved {
  from = google_monitoring_alert_policy.server_errors
  to   = google_monitoring_alert_policy.alerts["server_errors"]
}
