locals {
  index_file = jsondecode(file("${path.module}/../firestore.indexes.json"))
  # keyed by what an index is (collection, scope, fields), never by its position in the file, so adding an
  # index creates only that index
  indexes = {
    for index in local.index_file.indexes :
    "${index.collectionGroup}/${index.queryScope}/${join(",", [for f in index.fields : "${f.fieldPath}:${lookup(f, "order", lookup(f, "arrayConfig", ""))}"])}" => index
  }
  # TTL policies and single-field index settings, from the same file the emulator suite reads
  field_overrides = { for f in local.index_file.fieldOverrides : "${f.collectionGroup}.${f.fieldPath}" => f }
}

resource "google_firestore_database" "default" {
  name                    = "(default)"
  location_id             = var.firestore_location != "" ? var.firestore_location : var.region
  type                    = "FIRESTORE_NATIVE"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"
  depends_on              = [google_project_service.enabled]
}

resource "google_firestore_index" "composite" {
  for_each    = local.indexes
  database    = google_firestore_database.default.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope
  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = lookup(fields.value, "order", null)
      array_config = lookup(fields.value, "arrayConfig", null)
    }
  }
}

# the TTL fields were managed by a resource of their own before; keep them in place, do not recreate them
moved {
  from = google_firestore_field.ttl["syncRuns"]
  to   = google_firestore_field.override["syncRuns.expireAt"]
}
moved {
  from = google_firestore_field.ttl["deliveries"]
  to   = google_firestore_field.override["deliveries.expireAt"]
}
moved {
  from = google_firestore_field.ttl["localTasks"]
  to   = google_firestore_field.override["localTasks.expireAt"]
}
moved {
  from = google_firestore_field.ttl["connectSessions"]
  to   = google_firestore_field.override["connectSessions.expireAt"]
}

resource "google_firestore_field" "override" {
  for_each   = local.field_overrides
  database   = google_firestore_database.default.name
  collection = each.value.collectionGroup
  field      = each.value.fieldPath
  dynamic "ttl_config" {
    for_each = lookup(each.value, "ttl", false) ? [true] : []
    content {}
  }
  index_config {
    dynamic "indexes" {
      for_each = each.value.indexes
      content {
        query_scope  = indexes.value.queryScope
        order        = lookup(indexes.value, "order", null)
        array_config = lookup(indexes.value, "arrayConfig", null)
      }
    }
  }
}

# deny-all for clients: only the service accounts read and write, and they bypass rules
resource "google_firebaserules_ruleset" "firestore" {
  project = var.project_id
  source {
    files {
      name    = "firestore.rules"
      content = file("${path.module}/../firestore.rules")
    }
  }
  lifecycle {
    create_before_destroy = true
  }
  depends_on = [google_project_service.enabled, google_firestore_database.default]
}

resource "google_firebaserules_release" "firestore" {
  project      = var.project_id
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project_id}/rulesets/${google_firebaserules_ruleset.firestore.name}"
  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
