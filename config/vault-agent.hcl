# Vault Agent for the payments service: logs in with the projected service account token,
# renders the service's secrets into /vault/secrets and makes the service reload them.
auto_auth {
  method "kubernetes" {
    mount_path = "auth/kubernetes"
    config = {
      role       = "payments"
      token_path = "/etc/vault/token"
    }
  }
}

vault {
  address = "https://vault.example.com:8200"
  ca_cert = "/etc/vault/ca.crt"
}

template {
  contents    = "{{ with secret \"secret/data/payments\" }}ACQUIRER_KEY={{ .Data.data.acquirer_key }}{{ end }}"
  destination = "/vault/secrets/payments.env"
  # the pod shares one process namespace: the agent can signal the service
  exec {
    command = ["pkill", "-HUP", "payments"]
  }
}
