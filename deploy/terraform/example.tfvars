# Copy to terraform.tfvars (ignored by git) and fill in. The Xero credentials are not set here:
# pass them as TF_VAR_xero_client_id / TF_VAR_xero_client_secret (ephemeral, never stored).
project          = "acme-xerosync"
region           = "europe-west1"
client_name      = "acme"
dispatcher_image = "europe-west1-docker.pkg.dev/acme-xerosync/xerosync/dispatcher:1.0.0"
worker_image     = "europe-west1-docker.pkg.dev/acme-xerosync/xerosync/worker:1.0.0"
connection_type  = "standard" # or "custom" (client_credentials, one organisation)
schedule         = "0 * * * *"
tenants          = [] # empty: every organisation the connection lists
# Who may call the Dispatcher by hand (GET /runs, retry, backfill): Cloud Run Invoker and the in-app check.
operators = ["user:ops@acme.example"]
# At least one Cloud Monitoring channel for the alerts (gcloud beta monitoring channels list).
notification_channels = ["projects/acme-xerosync/notificationChannels/1234567890"]
