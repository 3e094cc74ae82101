terraform {
  # 1.11 for write-only arguments (secret_data_wo): the Xero app secret never enters the state.
  required_version = ">= 1.11"

  # State in a Cloud Storage bucket of its own (versioned, created once by hand: docs/deploy.md),
  # named at init: terraform init -backend-config="bucket=STATE_BUCKET" -backend-config="prefix=CLIENT".
  backend "gcs" {}

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.50"
    }
  }
}

provider "google" {
  project = var.project
  region  = var.region
}
