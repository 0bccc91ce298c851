/// Chat tokens and webhook URLs (spec §3, "Chat / webhooks").
extension RuleCatalog {
    static let slackBody = TokenShape.run(.wordDash, 20...250)
    static let webhookBody = TokenShape.run([.wordDash, .plusSlash, .dot, .equals], 20...400)

    static let chatRules: [Rule] = [
        token("slack-bot-token", .chatWebhooks, "Slack bot token", .high, prefixes: ["xoxb-"], body: slackBody),
        token("slack-user-token", .chatWebhooks, "Slack user token", .high, prefixes: ["xoxp-"], body: slackBody),
        token("slack-app-token", .chatWebhooks, "Slack app-level token", .high, prefixes: ["xapp-"], body: slackBody),
        token(
            "slack-legacy-token", .chatWebhooks, "Slack legacy token", .high,
            prefixes: ["xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe.xoxp-", "xoxe-"], body: slackBody),
        token(
            "slack-webhook-url", .chatWebhooks, "Slack incoming webhook URL", .high,
            prefixes: ["hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/"],
            body: webhookBody, leftBoundary: []),
        token(
            "discord-webhook-url", .chatWebhooks, "Discord webhook URL", .high,
            prefixes: ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
            body: TokenShape([.run(.digit, 17...20), .text("/"), .run(.wordDash, 60...68)]), leftBoundary: []),
        token(
            "teams-webhook-url", .chatWebhooks, "Microsoft Teams incoming webhook URL", .high,
            prefixes: [".webhook.office.com/webhookb2/"], body: webhookBody, leftBoundary: []),
        token(
            "telegram-bot-token", .chatWebhooks, "Telegram bot token in an API URL", .high,
            prefixes: ["api.telegram.org/bot"],
            body: TokenShape([.run(.digit, 8...10), .text(":"), .run(.wordDash, 35...35)]), leftBoundary: []),
    ]
}
