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

resource "google_monitoring_alert_policy" "dead_lettered" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: fetch requests dead-lettered"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "dead-lettered fetch requests > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.dead_lettered.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
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
    content   = "Pages of a run failed on every delivery attempt and were recorded as failed. Read the Worker's errors (event 503) for the reason, fix it, then `POST /runs/RUN_ID/retry` on the Dispatcher (README \"Operate\")."
  }
}

resource "google_monitoring_alert_policy" "partial_loads" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: partial runs"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "partial manifest loads > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.partial_loads.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "3600s"
        per_series_aligner = "ALIGN_SUM"
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
    content   = "A run loaded a table with pages missing (failed, dead-lettered or deferred). `GET /runs/RUN_ID` lists them; `POST /runs/RUN_ID/retry` republishes them (README \"Operate\")."
  }
}

resource "google_monitoring_alert_policy" "deferred_daily_limit" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: organisations at Xero's daily limit"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "endpoints deferred at the daily limit > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.deferred_daily_limit.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.tenant_id"]
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
    content   = "An organisation spent its daily Xero call limit (5,000 a day; 1,000 on Starter plans). Its remaining pages wait for the reset; the next run or `POST /runs/RUN_ID/retry` after the reset fetches them. If it recurs, sync that organisation less often or with fewer endpoints (README \"Operate\")."
  }
}
