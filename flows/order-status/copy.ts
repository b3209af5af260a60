/** What the order-status flow says, per language; the flow picks the customer's (English otherwise). */
export interface OrderStatusCopy {
  readonly askOrderId: string;
  readonly invalidOrderId: string;
  readonly tooManyTries: string;
  readonly found: (orderId: string) => string;
}

const link = (orderId: string): string => `https://brightcart.example/orders/${orderId}`;

export const ORDER_STATUS_COPY: Readonly<Record<string, OrderStatusCopy>> = {
  en: {
    askOrderId:
      'I can help with that. What’s your order number? It starts with a letter followed by digits, like A1234.',
    invalidOrderId:
      'That doesn’t look like an order number. It’s a letter followed by 4 to 10 digits (for example A1234), and you can find it in your confirmation email.',
    tooManyTries: 'Let me get someone from the team to look into your order.',
    found: (orderId) =>
      `Thanks! You can follow order ${orderId} live at ${link(orderId)}: it shows the carrier, the tracking number and the delivery estimate. Anything else about this order?`,
  },
  es: {
    askOrderId:
      'Te ayudo con eso. ¿Cuál es tu número de pedido? Empieza por una letra seguida de cifras, como A1234.',
    invalidOrderId:
      'Eso no parece un número de pedido. Es una letra seguida de 4 a 10 cifras (por ejemplo A1234) y lo encontrarás en tu correo de confirmación.',
    tooManyTries: 'Voy a pedir a alguien del equipo que revise tu pedido.',
    found: (orderId) =>
      `¡Gracias! Puedes seguir el pedido ${orderId} en directo en ${link(orderId)}: verás el transportista, el número de seguimiento y la fecha estimada de entrega. ¿Algo más sobre este pedido?`,
  },
  de: {
    askOrderId:
      'Dabei helfe ich gern. Wie lautet deine Bestellnummer? Sie beginnt mit einem Buchstaben, gefolgt von Ziffern, zum Beispiel A1234.',
    invalidOrderId:
      'Das sieht nicht nach einer Bestellnummer aus. Sie besteht aus einem Buchstaben und 4 bis 10 Ziffern (zum Beispiel A1234); du findest sie in deiner Bestätigungs-E-Mail.',
    tooManyTries: 'Ich bitte jemanden aus dem Team, sich deine Bestellung anzusehen.',
    found: (orderId) =>
      `Danke! Unter ${link(orderId)} kannst du Bestellung ${orderId} live verfolgen: mit Versanddienstleister, Sendungsnummer und voraussichtlicher Lieferung. Noch etwas zu dieser Bestellung?`,
  },
  fr: {
    askOrderId:
      'Je peux vous aider. Quel est votre numéro de commande ? Il commence par une lettre suivie de chiffres, par exemple A1234.',
    invalidOrderId:
      'Cela ne ressemble pas à un numéro de commande. C’est une lettre suivie de 4 à 10 chiffres (par exemple A1234), indiquée dans votre e-mail de confirmation.',
    tooManyTries: 'Je demande à quelqu’un de l’équipe de vérifier votre commande.',
    found: (orderId) =>
      `Merci ! Vous pouvez suivre la commande ${orderId} en direct sur ${link(orderId)} : transporteur, numéro de suivi et date de livraison estimée. Autre chose concernant cette commande ?`,
  },
  pt: {
    askOrderId:
      'Posso ajudar com isso. Qual é o número da sua encomenda? Começa por uma letra seguida de algarismos, como A1234.',
    invalidOrderId:
      'Isso não parece um número de encomenda. É uma letra seguida de 4 a 10 algarismos (por exemplo A1234) e está no seu email de confirmação.',
    tooManyTries: 'Vou pedir a alguém da equipa para verificar a sua encomenda.',
    found: (orderId) =>
      `Obrigado! Pode seguir a encomenda ${orderId} em tempo real em ${link(orderId)}: transportadora, número de seguimento e previsão de entrega. Mais alguma coisa sobre esta encomenda?`,
  },
};

/** The flow's copy for a language code such as `es` or `pt-BR`; English when there is none. */
export function orderStatusCopy(language: string | undefined): OrderStatusCopy {
  const primary = (language ?? '').toLowerCase().split('-')[0] ?? '';
  return ORDER_STATUS_COPY[primary] ?? (ORDER_STATUS_COPY.en as OrderStatusCopy);
}
