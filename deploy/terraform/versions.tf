terraform {
  # 1.11 for write-only arguments (secret_data_wo): the Xero app secret never enters the state.
  required_version = ">= 1.11"

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
