terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.50"
    }
  }
  # state lives in a GCS bucket named at init time (docs/deploy.md):
  #   terraform -chdir=terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=mailmon"
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region
}
