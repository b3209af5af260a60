/** What the order-status flow says. */
export const ORDER_STATUS_COPY = {
  askOrderId:
    'I can help with that. What’s your order number? It starts with a letter followed by digits, like A1234.',
  invalidOrderId:
    'That doesn’t look like an order number. It’s a letter followed by 4 to 10 digits (for example A1234), and you can find it in your confirmation email.',
  tooManyTries: 'Let me get someone from the team to look into your order.',
  found: (orderId: string) =>
    `Thanks! You can follow order ${orderId} live at https://brightcart.example/orders/${orderId}: it shows the carrier, the tracking number and the delivery estimate. Anything else about this order?`,
} as const;
