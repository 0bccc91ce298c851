path "secret/data/ci/*" {
  capabilities = ["read", "list"]
  min_wrapping_ttl = "1m"
  max_wrapping_ttl = 3600
  allowed_parameters = {
    "ttl" = ["1h", "2h"]
  }
}
path "auth/token/create" { capabilities = ["update"] }
